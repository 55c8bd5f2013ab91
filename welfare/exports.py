"""Tables to CSV and XLSX for download, safe to open in Excel, and logged.

CSV is UTF-8 with a byte-order mark so that Excel shows Chinese correctly. In XLSX,
`date` values become real date cells (yyyy-mm-dd) so that they sort and calculate;
callers who want ROC dates pass them as text (zero-padded 039/05/17 sorts correctly).
Cells that a spreadsheet would run as a formula (=, +, -, @, tab, CR first) are
neutralised: a leading apostrophe in CSV, a plain string cell with quotePrefix in XLSX."""

import csv
import io
import tempfile
from datetime import date, datetime

from welfare.auth import audit, scope

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Werkzeug appends "; charset=utf-8" to text/* types itself; naming it here doubled it.
CSV_MIMETYPE = "text/csv"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


def is_formula_like(value):
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_cell(value):
    """A cell as CSV text, with formula-like text defused by a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if not isinstance(value, str):
        return str(value)  # real numbers such as -5 are data, not formulas
    return "'" + value if is_formula_like(value) else value


def csv_chunks(headers, rows, batch=500):
    """CSV text in pieces (for a streamed response), starting with a UTF-8 byte-order mark."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([csv_cell(h) for h in headers])
    for count, row in enumerate(rows, start=1):
        writer.writerow([csv_cell(v) for v in row])
        if count % batch == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def to_csv(headers, rows):
    return "".join(csv_chunks(headers, rows)).encode("utf-8")


def _width(value):
    text = value.isoformat() if isinstance(value, date | datetime) else str(value or "")
    # CJK characters take about two columns.
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)


def _xlsx_cell(cell_class, sheet, value, bold=None):
    cell = cell_class(sheet)
    if isinstance(value, datetime | date):
        cell.value = value
        cell.number_format = "yyyy-mm-dd"
    else:
        cell.value = value
        if is_formula_like(value):
            # openpyxl would store "=..." as a formula; force a plain string instead.
            cell.data_type = "s"
            cell.quotePrefix = True
    if bold:
        cell.font = bold
    return cell


def to_xlsx(headers, rows, title="Sheet1", sample=200):
    """An .xlsx file as bytes: bold header, frozen first row, widths from the first rows."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    rows = iter(rows)
    head = [row for _, row in zip(range(sample), rows, strict=False)]
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=title[:31])
    for index, header in enumerate(headers, start=1):
        widest = max([_width(header)] + [_width(r[index - 1]) for r in head if len(r) >= index])
        sheet.column_dimensions[get_column_letter(index)].width = min(max(widest + 2, 6), 60)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_xlsx_cell(WriteOnlyCell, sheet, h, bold) for h in headers])
    for row in head:
        sheet.append([_xlsx_cell(WriteOnlyCell, sheet, v) for v in row])
    for row in rows:
        sheet.append([_xlsx_cell(WriteOnlyCell, sheet, v) for v in row])
    with tempfile.TemporaryFile() as handle:
        book.save(handle)
        handle.seek(0)
        return handle.read()


def log_export(what, rows, fmt, actor, full_id=False, filters=None, purpose=None,
               villages=None):
    """One audit row per download: what, how many rows, which villages (those given, else the
    acting scope's, else "all"), whether ID numbers were whole and, for whole ones, the
    purpose the downloader gave."""
    villages = scope.current().village_ids() if villages is None else set(villages)
    after = {"rows": rows, "format": fmt, "full_id": full_id,
             "villages": sorted(villages) if villages is not None else "all",
             "filters": {k: v for k, v in (filters or {}).items() if v not in (None, "")}}
    if purpose:
        after["purpose"] = purpose
    return audit.record(
        "export_full_id" if full_id else "export", actor=actor, entity_type=what,
        summary=f"{what}.{fmt}: {rows}" + (f" ({purpose})" if purpose else ""), after=after,
    )
