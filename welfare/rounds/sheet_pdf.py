"""印領清冊 PDFs written directly (pydyf). A print round is ~1,400 pages, and WeasyPrint
spends ~2 ms per page and ~0.3 ms per line of text even with a minimal stylesheet (see
bench/README.md), so the sheet is drawn here: each page is its rows' text placed cell by
cell, its QR codes as filled runs of modules, and two form XObjects that every page shares
(title and meta line; headings and rules). Fonts are subsets of Noto Sans Mono CJK TC
(sheet_fonts).

Needs no app and no database: `render` takes the plain data of sheets.village_sheet."""

import io
import re
from functools import lru_cache

import pydyf

from welfare.core.money import capitals_dollars
from welfare.rounds import sheet_layout as L
from welfare.rounds.sheet_codes import qr_rows

PT = 72 / 25.4
GREY = 0.9
RULE, FRAME = 0.2, 0.3  # line widths, mm
CENTRE = 0.38  # em from the baseline to the middle of CJK glyphs (ascent 880, descent -120)
TITLE_PT, META_PT, CLOSING_PT, FOOT_PT = 14, 10, 11, 9
SIGNOFF = ("承辦人", "課長", "主計", "區長")
DARK = re.compile("1+")


def sheet_texts(sheet):
    """Every string the sheet draws, per font ("R" regular, "B" bold), for the subsets."""
    header = sheet["header"]
    regular = [_meta(header)[i] for i in range(3)] + ["第 頁，共 0123456789"]
    for row in sheet["rows"]:
        regular += [str(row["no"]), row["name"], row["birth"], row["id_number"],
                    row["address"], f"{row['amount']:,}", row["remark"], row["token"]]
    bold = [header["title"], "本頁小計 人0123456789,", "共計 人　金額 NT$元（）",
            capitals_dollars(sum(r["amount"] for r in sheet["rows"]))]
    bold += [h for _k, h, _c, _a in L.COLUMNS] + ["條碼"] + list(SIGNOFF)
    return {"R": "".join(regular), "B": "".join(bold)}


def _meta(header):
    return (f"里別：{header['village']}（{header['neighbourhood']}）", header["round_name"],
            f"名冊凍結日期：{header['frozen_on']}")


class Canvas:
    """PDF content operators, placed in millimetres from the page's top left."""

    def __init__(self, fonts):
        self.fonts = fonts
        self.ops = []

    def text(self, x, baseline, text, font="R", size=L.FONT_PT, align="left"):
        if not text:
            return
        embedded = self.fonts[font]
        if align != "left":
            width = embedded.width(text) * size / 1000 / PT
            x -= width if align == "right" else width / 2
        self.ops.append(f"BT /{font} {size} Tf {x * PT:.2f} {(L.PAGE_H - baseline) * PT:.2f} Td "
                        f"<{embedded.encode(text)}> Tj ET")

    def rules(self, segments, width=RULE):
        """Straight lines [(x1, y1, x2, y2)] stroked together."""
        path = " ".join(f"{x1 * PT:.2f} {(L.PAGE_H - y1) * PT:.2f} m "
                        f"{x2 * PT:.2f} {(L.PAGE_H - y2) * PT:.2f} l"
                        for x1, y1, x2, y2 in segments)
        self.ops.append(f"{width * PT:.2f} w {path} S")

    def box(self, x, y, w, h, fill=None, stroke=None):
        rect = f"{x * PT:.2f} {(L.PAGE_H - y - h) * PT:.2f} {w * PT:.2f} {h * PT:.2f} re"
        if fill is not None:
            self.ops.append(f"{fill} g {rect} f 0 g")
        if stroke is not None:
            self.ops.append(f"{stroke * PT:.2f} w {rect} S")

    def draw(self, name):
        self.ops.append(f"/{name} Do")

    def content(self):
        return "\n".join(self.ops).encode()


def baseline(top, height, size_pt):
    """The baseline that centres text of `size_pt` in a box."""
    return top + height / 2 + CENTRE * size_pt / PT


def _head(canvas, header):
    """Title and the meta line above the table."""
    left, width = L.table_left_mm(), L.table_width_mm()
    canvas.text(L.PAGE_W / 2, baseline(L.MARGIN, L.TITLE_MM, TITLE_PT), header["title"], "B",
                TITLE_PT, "centre")
    y = baseline(L.MARGIN + L.TITLE_MM, L.META_MM, META_PT)
    village, round_name, frozen = _meta(header)
    canvas.text(left, y, village, size=META_PT)
    canvas.text(left + width / 2, y, round_name, size=META_PT, align="centre")
    canvas.text(left + width, y, frozen, size=META_PT, align="right")


def _table(canvas, rows):
    """Shaded heading and subtotal rows, headings, rules and the frame of a page's table."""
    left, top, width = L.table_left_mm(), L.table_top_mm(), L.table_width_mm()
    height = L.table_height_mm(rows)
    body = top + L.LINE_MM + rows * L.ROW_MM
    canvas.box(left, top, width, L.LINE_MM, fill=GREY)
    canvas.box(left, body, width, L.LINE_MM, fill=GREY)
    edges = L.column_edges_mm()
    y = baseline(top, L.LINE_MM, L.FONT_PT)
    for (_key, heading, _c, _a), x1, x2 in zip(L.COLUMNS, edges, edges[1:], strict=False):
        canvas.text(left + (x1 + x2) / 2, y, heading, "B", align="centre")
    canvas.text(left + edges[-1] + L.CODE_MM / 2, y, "條碼", "B", align="centre")
    segments = [(left + x, top, left + x, body) for x in edges[1:]]
    segments += [(left, top + L.LINE_MM + i * L.ROW_MM, left + width,
                  top + L.LINE_MM + i * L.ROW_MM) for i in range(rows + 1)]
    canvas.rules(segments)
    canvas.box(left, top, width, height, stroke=FRAME)


def _cell_x(index, align):
    """Where a column's text starts (left) or ends (right), from the page's left edge. A
    column is its width in cells plus the gap: text that fills it keeps a quarter of a cell
    from the rule on its right and three quarters from the one on its left."""
    edges = L.column_edges_mm()
    if align == "right":
        return L.table_left_mm() + edges[index + 1] - L.CELL_MM / 2
    return L.table_left_mm() + edges[index] + L.CELL_MM * (0.75 if index else 0.5)


CELL_X = {key: _cell_x(i, align) for i, (key, _h, _c, align) in enumerate(L.COLUMNS)}
WIDTHS = {key: cells for key, _h, cells, _a in L.COLUMNS}
ALIGN = {key: align for key, _h, _c, align in L.COLUMNS}


def _rows(canvas, rows):
    font = canvas.fonts["R"]
    top = L.table_top_mm() + L.LINE_MM
    for slot, row in enumerate(rows):
        lines = [baseline(top + slot * L.ROW_MM + i * L.LINE_MM, L.LINE_MM, L.FONT_PT)
                 for i in range(L.LINES)]
        values = {"no": str(row["no"]), "name": row["name"], "birth": row["birth"],
                  "id_number": row["id_number"], "address": row["address"],
                  "amount": f"{row['amount']:,}"}
        for key, value in values.items():
            for y, part in zip(lines, L.wrap(value, WIDTHS[key], font.advance), strict=False):
                canvas.text(CELL_X[key], y, part, align=ALIGN[key])
        canvas.text(CELL_X["remark"], lines[0], row["remark"])
        canvas.text(CELL_X["remark"], lines[1], row["token"])


def _subtotal(canvas, page, rows):
    y = baseline(L.table_top_mm() + L.LINE_MM + rows * L.ROW_MM, L.LINE_MM, L.FONT_PT)
    canvas.text(CELL_X["address"], y, f"本頁小計 {page['people']} 人", "B")
    canvas.text(CELL_X["amount"], y, f"{page['amount']:,}", "B", align="right")


def _closing(canvas, sheet, top):
    total = sum(r["amount"] for r in sheet["rows"])
    left, width = L.table_left_mm(), L.table_width_mm()
    y = top + L.CLOSING_GAP
    canvas.text(left, baseline(y, L.CLOSING_LINE, CLOSING_PT),
                f"共計 {len(sheet['rows'])} 人　金額 NT${total:,} 元（{capitals_dollars(total)}）",
                "B", CLOSING_PT)
    y += L.CLOSING_LINE + L.SIGNOFF_GAP
    canvas.box(left, y, width, L.SIGNOFF_HEAD, fill=GREY)
    step = width / len(SIGNOFF)
    for i, label in enumerate(SIGNOFF):
        canvas.text(left + i * step + 1.5, baseline(y, L.SIGNOFF_HEAD, L.FONT_PT), label, "B")
    height = L.SIGNOFF_HEAD + L.SIGNOFF_BODY
    segments = [(left + i * step, y, left + i * step, y + height) for i in range(1, 4)]
    segments.append((left, y + L.SIGNOFF_HEAD, left + width, y + L.SIGNOFF_HEAD))
    canvas.rules(segments)
    canvas.box(left, y, width, height, stroke=FRAME)


def _foot(canvas, number, count):
    canvas.text(L.PAGE_W / 2, baseline(L.PAGE_H - L.MARGIN - L.FOOT_MM, L.FOOT_MM, FOOT_PT),
                f"第 {number} 頁，共 {count} 頁", size=FOOT_PT, align="centre")


def qr_code(canvas, token, x, y, size):
    """A QR code as filled runs of dark modules (vector: crisp in every viewer and printer),
    `size` mm square including its quiet zone, its top left corner at (x, y)."""
    rows = qr_rows(token)
    module = size / (len(rows) + 2 * L.QUIET) * PT
    runs = " ".join(_runs(r, bits, len(rows)) for r, bits in enumerate(rows))
    canvas.ops.append(f"q {module:.4f} 0 0 {-module:.4f} {x * PT:.2f} {(L.PAGE_H - y) * PT:.2f} cm "
                      f"{runs} f Q")


@lru_cache(maxsize=65536)
def _runs(r, bits, size):
    """Rectangles of one row's dark runs, in modules. Rows through the finder patterns have
    few distinct forms, so most of these come from the cache."""
    return " ".join(f"{m.start() + L.QUIET} {r + L.QUIET} {m.end() - m.start()} 1 re"
                    for m in DARK.finditer(format(bits, f"0{size}b")))


def _form(pdf, canvas, fonts_resource):
    form = pydyf.Stream([canvas.content()], {
        "Type": "/XObject", "Subtype": "/Form",
        "BBox": pydyf.Array([0, 0, round(L.PAGE_W * PT, 2), round(L.PAGE_H * PT, 2)]),
        "Resources": pydyf.Dictionary({"Font": fonts_resource})}, compress=True)
    pdf.add_object(form)
    return form.reference


def render(sheet, fonts):
    """PDF bytes for one sheet. `fonts` maps "R" and "B" to sheet_fonts.EmbeddedFont subsets
    holding every character of sheet_texts(sheet)."""
    per_page = sheet["per_page"]
    pages = L.paginate(sheet["rows"], per_page)
    closing_page = not L.closing_fits(per_page)
    count = len(pages) + closing_page
    pdf = pydyf.PDF()
    pdf.info["Title"] = pydyf.String(f"{sheet['header']['title']} {sheet['header']['village']}")
    pdf.info["Producer"] = pydyf.String("welfare")
    pdf.catalog["Lang"] = pydyf.String("zh-Hant-TW")
    fonts_resource = pydyf.Dictionary({key: font.add_to(pdf) for key, font in fonts.items()})
    head, table = Canvas(fonts), Canvas(fonts)
    _head(head, sheet["header"])
    _table(table, per_page)
    forms = {"Head": _form(pdf, head, fonts_resource), "Table": _form(pdf, table, fonts_resource)}
    media_box = pydyf.Array([0, 0, round(L.PAGE_W * PT, 2), round(L.PAGE_H * PT, 2)])
    codes_x = L.table_left_mm() + L.column_edges_mm()[-1] + (L.CODE_MM - L.ROW_MM) / 2
    codes_top = L.table_top_mm() + L.LINE_MM
    for number, page in enumerate(pages, 1):
        canvas = Canvas(fonts)
        canvas.draw("Head")
        canvas.draw("Table")
        _rows(canvas, page["rows"])
        _subtotal(canvas, page, per_page)
        for slot, row in enumerate(page["rows"]):
            qr_code(canvas, row["token"], codes_x, codes_top + slot * L.ROW_MM, L.ROW_MM)
        if number == len(pages) and not closing_page:
            _closing(canvas, sheet, L.table_top_mm() + L.table_height_mm(per_page))
        _foot(canvas, number, count)
        _add_page(pdf, canvas, media_box, fonts_resource, forms)
    if closing_page:
        canvas = Canvas(fonts)
        canvas.draw("Head")
        _closing(canvas, sheet, L.table_top_mm())
        _foot(canvas, count, count)
        _add_page(pdf, canvas, media_box, fonts_resource, forms)
    output = io.BytesIO()
    pdf.write(output, compress=True)
    return output.getvalue()


def _add_page(pdf, canvas, media_box, fonts_resource, objects):
    content = pydyf.Stream([canvas.content()], compress=True)
    pdf.add_object(content)
    pdf.add_page(pydyf.Dictionary({
        "Type": "/Page", "Parent": pdf.pages.reference, "MediaBox": media_box,
        "Contents": content.reference,
        "Resources": pydyf.Dictionary({"Font": fonts_resource,
                                       "XObject": pydyf.Dictionary(objects)}),
    }))
