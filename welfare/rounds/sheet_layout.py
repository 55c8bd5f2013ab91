"""Fast sheet layout: each row is one monospaced text block (CJK = two cells) over a
grid drawn once per page, and each page's codes are one image.

WeasyPrint spends milliseconds per table cell and per image; 14,000 rows as a real table
took minutes. One text box and one image per page-row keeps it within the budget."""

import base64
import io
import unicodedata

# (key, header, width in cells, align); one cell is half an em of the sheet font.
COLUMNS = (
    ("no", "序號", 5, "right"), ("name", "姓名", 10, "left"), ("birth", "出生日期", 10, "left"),
    ("id_number", "身分證字號", 11, "left"), ("address", "地址", 36, "left"),
    ("amount", "金額", 8, "right"), ("sign", "簽名或蓋章", 22, "left"),
    ("proxy_name", "代領人姓名", 10, "left"), ("proxy_id", "代領人證號", 12, "left"),
    ("relation", "關係", 6, "left"), ("remark", "備註", 14, "left"),
)
GAP = 1
FONT_PT = 9
CELL_MM = FONT_PT * 25.4 / 72 / 2
ROW_MM = 11.5
LINES = 3
CODE_MM = 12
SLOT_PX = 58
MODULE_PX = 2


def width(text):
    """Display cells: wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text, cells):
    """Split text into lines no wider than `cells` ("\n" forces a break)."""
    lines = []
    for part in text.split("\n"):
        line = ""
        for char in part:
            if width(line + char) > cells:
                lines.append(line)
                line = ""
            line += char
        lines.append(line)
    return lines


def pad(text, cells, align):
    space = " " * max(0, cells - width(text))
    return space + text if align == "right" else text + space


def row_text(values):
    """A row as up to three monospaced lines, each column padded to its width."""
    columns = [wrap(str(values.get(key, "")), cells) for key, _h, cells, _a in COLUMNS]
    height = min(LINES, max(len(c) for c in columns))
    lines = []
    for index in range(height):
        parts = []
        for (_key, _h, cells, align), wrapped in zip(COLUMNS, columns, strict=True):
            text = wrapped[index] if index < len(wrapped) else ""
            if index == height - 1 and len(wrapped) > height:
                text = "".join(wrapped[index:])  # never drop text: let the last line run on
            parts.append(pad(text, cells, align))
        lines.append((" " * GAP).join(parts).rstrip())
    return "\n".join(lines)


def column_edges_mm():
    """x positions (mm) of the lines between columns, starting at 0."""
    edges, x = [0.0], 0.0
    for _key, _h, cells, _a in COLUMNS:
        x += (cells + GAP) * CELL_MM
        edges.append(round(x - GAP * CELL_MM / 2, 2))
    edges[-1] = round(x, 2)
    return edges


def table_width_mm():
    return column_edges_mm()[-1] + CODE_MM


def grid_svg(rows, header=False):
    """Vertical rules for the columns and the code column, as an SVG data URI."""
    edges = column_edges_mm() + [table_width_mm()]
    height = ROW_MM * rows
    lines = "".join(f'<line x1="{x}" y1="0" x2="{x}" y2="{height}"/>' for x in edges)
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{table_width_mm()}mm" '
           f'height="{height}mm" viewBox="0 0 {table_width_mm()} {height}" '
           f'preserveAspectRatio="none">'
           f'<g stroke="#000" stroke-width="0.2">{lines}</g></svg>')
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def header_cells():
    """(label, left mm, width mm) for the column headings."""
    edges = column_edges_mm()
    cells = [(h, edges[i], edges[i + 1] - edges[i]) for i, (_k, h, _c, _a) in enumerate(COLUMNS)]
    return cells + [("條碼", edges[-1], CODE_MM)]


def codes_png(tokens, rows):
    """One PNG with a QR code per row slot (empty slots stay white)."""
    import segno
    from PIL import Image

    if not tokens:
        return "", 0
    # A fixed mask skips segno's scoring of all eight (a third of the time per code).
    matrices = [segno.make(t, error="m", micro=False, mask=0).matrix for t in tokens]
    modules = len(matrices[0]) + 2
    size = modules * MODULE_PX
    white = b"\xff" * size
    lines = []
    for matrix in matrices:
        top = (SLOT_PX - size) // 2
        lines += [white] * (top + MODULE_PX)
        for row in matrix:
            pixels = b"".join((b"\x00" if dark else b"\xff") * MODULE_PX
                              for dark in (0, *row, 0))
            lines += [pixels] * MODULE_PX
        lines += [white] * (SLOT_PX - top - (modules - 1) * MODULE_PX)
    lines += [white] * (SLOT_PX * (rows - len(matrices)))
    image = Image.frombytes("L", (size, SLOT_PX * rows), b"".join(lines))
    buffer = io.BytesIO()
    image.convert("1").save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode(), size
