"""Geometry of the 印領清冊 (A4 landscape, millimetres from the page's top left) and the
fitting of text into its monospaced cells. No drawing here: see sheet_pdf."""

# (key, heading, width in cells, align); one cell is half an em of the 9 pt sheet font.
COLUMNS = (
    ("no", "序號", 5, "right"), ("name", "姓名", 10, "left"), ("birth", "出生日期", 10, "left"),
    ("id_number", "身分證字號", 11, "left"), ("address", "地址", 36, "left"),
    ("amount", "金額", 8, "right"), ("sign", "簽名或蓋章", 22, "left"),
    ("proxy_name", "代領人姓名", 10, "left"), ("proxy_id", "代領人證號", 12, "left"),
    ("relation", "關係", 6, "left"), ("remark", "備註", 14, "left"),
)
GAP = 1  # a cell between columns, half on each side of the rule
FONT_PT = 9
CELL_MM = FONT_PT * 25.4 / 72 / 2
ROW_MM = 11.5  # room to sign or stamp
LINE_MM = ROW_MM / 2  # two text lines per row; the heading and subtotal rows are one line
LINES = 2
CODE_MM = 12
QUIET = 2  # modules of white around each QR code (4 in the standard; 2 scans better here)
PAGE_W, PAGE_H, MARGIN = 297.0, 210.0, 9.0
TITLE_MM, META_MM = 8.0, 6.5
CLOSING_GAP, CLOSING_LINE, SIGNOFF_GAP, SIGNOFF_HEAD, SIGNOFF_BODY = 5.0, 6.0, 5.0, 7.5, 19.0
FOOT_MM = 5.0


def column_edges_mm():
    """x of the rules between columns, from the table's left edge (0) to the code column."""
    edges, x = [0.0], 0.0
    for _key, _h, cells, _a in COLUMNS:
        x += (cells + GAP) * CELL_MM
        edges.append(round(x - GAP * CELL_MM / 2, 2))
    edges[-1] = round(x, 2)
    return edges


def table_width_mm():
    return round(column_edges_mm()[-1] + CODE_MM, 2)


def table_left_mm():
    return round((PAGE_W - table_width_mm()) / 2, 2)


def table_top_mm():
    return MARGIN + TITLE_MM + META_MM


def table_height_mm(rows):
    return 2 * LINE_MM + ROW_MM * rows


def closing_height_mm():
    return CLOSING_GAP + CLOSING_LINE + SIGNOFF_GAP + SIGNOFF_HEAD + SIGNOFF_BODY


def closing_fits(rows):
    """Whether the closing line and sign-off fit below a full page of rows."""
    bottom = table_top_mm() + table_height_mm(rows) + closing_height_mm()
    return bottom <= PAGE_H - MARGIN - FOOT_MM


def cells(text, advance):
    """Width of `text` in cells, from the font's advances (1000 per em)."""
    return sum(advance(c) for c in text) / 500


def wrap(text, width, advance, lines=LINES):
    """`text` in at most `lines` lines of `width` cells, breaking between any two CJK
    characters or at a space; what does not fit runs on at the end of the last line
    (nothing is dropped)."""
    out, line, used = [], "", 0.0
    for char in text:
        w = advance(char) / 500
        if line and used + w > width and len(out) < lines - 1:
            head, space, tail = line.rpartition(" ")
            if space and head and w <= 1 and not char.isspace():
                out.append(head)  # a Latin word moves to the next line whole
                line = tail
            else:
                out.append(line.rstrip())
                line = ""
            used = cells(line, advance)
            if char.isspace():
                continue
        line += char
        used += w
    out.append(line)
    return out


def paginate(rows, per_page):
    """Fixed-size pages, each with its own subtotal."""
    pages = []
    for start in range(0, len(rows), per_page):
        chunk = rows[start:start + per_page]
        pages.append({"rows": chunk, "people": len(chunk),
                      "amount": sum(r["amount"] for r in chunk)})
    return pages or [{"rows": [], "people": 0, "amount": 0}]
