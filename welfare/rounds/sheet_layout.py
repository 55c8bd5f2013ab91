"""Fast sheet layout. WeasyPrint's cost is per box and per glyph, not per page area, so a
page's table is one monospaced text block (CJK = two cells) over a grid drawn as one SVG,
and its QR codes are one image.

A real table took ~80 ms per row; one block per row ~13 ms; one block per page with runs of
padding spaces written as ideographic spaces (two cells, half the glyphs) ~2 ms."""

import io
import re
import unicodedata
from functools import lru_cache

from welfare.rounds.sheet_codes import SIZE as QR_SIZE
from welfare.rounds.sheet_codes import qr_matrix

# (key, header, width in cells, align); one cell is half an em of the sheet font.
COLUMNS = (
    ("no", "序號", 5, "right"), ("name", "姓名", 10, "left"), ("birth", "出生日期", 10, "left"),
    ("id_number", "身分證字號", 11, "left"), ("address", "地址", 36, "left"),
    ("amount", "金額", 10, "right"), ("sign", "簽名或蓋章", 22, "left"),
    ("proxy_name", "代領人姓名", 10, "left"), ("proxy_id", "代領人證號", 12, "left"),
    ("relation", "關係", 6, "left"), ("remark", "備註", 12, "left"),
)
# A household round's sheet: the head is the payee, the members follow the address.
HOUSEHOLD_HEADINGS = {"name": "戶長姓名", "address": "地址／戶內人口"}
# A goods round's sheet: what is handed over and how many, no money.
GOODS_HEADINGS = {"amount": "品項／數量"}
GAP = 1
FONT_PT = 9
CELL_MM = FONT_PT * 25.4 / 72 / 2
ROW_MM = 11.5  # room to sign or stamp
LINE_MM = ROW_MM / 2  # two text lines per row; the heading and subtotal rows are one line
LINES = 2
CODE_MM = 12
SLOT_PX = 58  # one row of the codes image
MODULE_PX = 2
HEADER_MM = 14.5  # title and meta line above the table
CLOSING_MM = 47  # closing line, sign-off table and page number below the table
PAGE_MM = 192  # A4 landscape less the margins in the template
FOOT_MM = 6  # the page number
RUNS = re.compile("  +")


@lru_cache(maxsize=4096)
def _char_width(char):
    return 2 if unicodedata.east_asian_width(char) in "WF" else 1


def width(text):
    """Display cells: wide and full-width characters take two."""
    return sum(_char_width(c) for c in text)


def wrap(text, cells):
    """Split text into lines no wider than `cells` ("\n" forces a break)."""
    lines = []
    for part in text.split("\n"):
        line, used = "", 0
        for char in part:
            w = _char_width(char)
            if used + w > cells:
                lines.append(line)
                line, used = "", 0
            line += char
            used += w
        lines.append(line)
    return lines


def pad(text, cells, align):
    space = " " * max(0, cells - width(text))
    return space + text if align == "right" else text + space


def squeeze(line):
    """Runs of spaces as ideographic spaces (two cells each): the same look, half the glyphs
    WeasyPrint has to lay out and draw."""
    return RUNS.sub(lambda m: "\u3000" * (len(m[0]) // 2) + " " * (len(m[0]) % 2), line)


def row_lines(values):
    """A row as LINES monospaced lines, each column padded to its width. Text that needs
    more lines runs on at the end of the last one: nothing is dropped."""
    columns = [wrap(str(values.get(key, "")), cells) for key, _h, cells, _a in COLUMNS]
    lines = []
    for index in range(LINES):
        parts = []
        for (_key, _h, cells, align), wrapped in zip(COLUMNS, columns, strict=True):
            text = wrapped[index] if index < len(wrapped) else ""
            if index == LINES - 1 and len(wrapped) > LINES:
                text = "".join(wrapped[index:])
            parts.append(pad(text, cells, align))
        lines.append((" " * GAP).join(parts).rstrip())
    return lines


def heading_line(headings=None):
    """Column headings centred in their cells, and the code column's."""
    parts = []
    for key, label, cells, _a in COLUMNS:
        label = (headings or {}).get(key, label)
        space = cells - width(label)
        parts.append(" " * (space // 2) + label + " " * (space - space // 2))
    line = (" " * GAP).join(parts)
    code_start = round(column_edges_mm()[-1] / CELL_MM + (CODE_MM / CELL_MM - 4) / 2 - 0.5)
    return line + " " * (code_start - width(line)) + "條碼"


def clip(text, cells):
    """Text cut to fit `cells`, ending in an ellipsis when cut."""
    if width(text) <= cells:
        return text
    kept = ""
    for char in text:
        if width(kept + char) > cells - 2:
            break
        kept += char
    return kept + "…"


def page_text(rows, per_page, subtotal, headings=None):
    """The whole table of one page (heading, rows, empty slots, subtotal) as one text."""
    lines = [heading_line(headings)]
    for row in rows:
        lines += row_lines(row)
    lines += [""] * (1 + LINES * per_page - len(lines))
    lines.append(subtotal)
    return "\n".join(squeeze(line) for line in lines)


def spread(parts, cells):
    """Left, middle and right texts spread over `cells` cells, on one line."""
    left, middle, right = parts
    gap = max(2, cells - width(left) - width(middle) - width(right))
    return left + " " * (gap // 2) + middle + " " * (gap - gap // 2) + right


def column_edges_mm():
    """x positions (mm) of the lines between columns, starting at 0."""
    edges, x = [0.0], 0.0
    for _key, _h, cells, _a in COLUMNS:
        x += (cells + GAP) * CELL_MM
        edges.append(round(x - GAP * CELL_MM / 2, 2))
    edges[-1] = round(x, 2)
    return edges


def table_width_mm():
    return round(column_edges_mm()[-1] + CODE_MM, 2)


def row_mm(rows):
    """Row height: ROW_MM to sign or stamp in, less when a denser sheet must fit a page."""
    return min(ROW_MM, int(100 * (PAGE_MM - HEADER_MM - FOOT_MM) / (rows + 1)) / 100)


def line_mm(rows):
    """One text line: half a row (the heading and subtotal rows are one line)."""
    return row_mm(rows) / LINES


def table_height_mm(rows):
    return round(2 * line_mm(rows) + row_mm(rows) * rows, 2)


def closing_fits(rows):
    """Whether the closing line and sign-off fit below a full page of rows."""
    return HEADER_MM + table_height_mm(rows) + CLOSING_MM <= PAGE_MM


def table_svg(rows):
    """The table's rules, as SVG bytes."""
    w, h, line, row = table_width_mm(), table_height_mm(rows), line_mm(rows), row_mm(rows)
    body = h - line
    rules = "".join(f"M{x} 0V{body}" for x in column_edges_mm()[1:] + [w])
    rules += "".join(f"M0 {line + i * row:.2f}H{w}" for i in range(rows + 1))
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}mm" height="{h}mm" '
            f'viewBox="0 0 {w} {h}">'
            f'<path fill="none" stroke="#000" stroke-width="0.2" d="{rules}"/>'
            f'<rect x="0.15" y="0.15" width="{w - 0.3:.2f}" height="{h - 0.3:.2f}" fill="none" '
            f'stroke="#000" stroke-width="0.3"/></svg>').encode()


def codes_png(tokens, rows):
    """One greyscale PNG with a QR code per row slot (empty slots stay white). Square
    modules with a four-module quiet zone; mode L goes into the PDF without conversion."""
    from PIL import Image

    slot_w = round(SLOT_PX * CODE_MM / row_mm(rows))
    size = QR_SIZE * MODULE_PX
    left, top = (slot_w - size) // 2, (SLOT_PX - size) // 2
    white = b"\xff" * slot_w
    module = {0: b"\xff" * MODULE_PX, 1: b"\x00" * MODULE_PX}
    margin = (b"\xff" * left, b"\xff" * (slot_w - left - size))
    lines = []
    for token in tokens:
        lines += [white] * top
        for row in qr_matrix(token):
            lines += [margin[0] + b"".join(module[v] for v in row) + margin[1]] * MODULE_PX
        lines += [white] * (SLOT_PX - top - size)
    lines += [white] * (SLOT_PX * (rows - len(tokens)))
    image = Image.frombytes("L", (slot_w, SLOT_PX * rows), b"".join(lines))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1)  # WeasyPrint recompresses it anyway
    return buffer.getvalue()
