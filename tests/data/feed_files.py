"""Registry feed files for tests, in every form the office receives: UTF-8, UTF-8 with BOM,
Big5 (CP950) CSV and XLSX (with a title row above the headings, and numbers and real dates
where a spreadsheet would have typed them)."""

from datetime import date

from openpyxl import Workbook

FORMS = ("utf8", "bom", "big5", "xlsx")
FULL_WIDTH = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
                           "ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ０１２３４５６７８９")


def bad_checksum(number):
    return number[:-1] + str((int(number[-1]) + 1) % 10)


def roc(day):
    return f"{day.year - 1911:03d}/{day.month:02d}/{day.day:02d}"


def _csv_cell(value):
    text = str(value)
    return f'"{text}"' if any(c in text for c in ',"\n') else text


def write_feed(path, form, headers, rows, title="林園區公所 名冊", cell=None):
    """Write rows under headers; returns (path, spreadsheet row number of the first row).
    cell(value) may turn a string into what a spreadsheet holds (a number, a date) for XLSX."""
    if form == "xlsx":
        path = path.with_suffix(".xlsx")
        book = Workbook()
        sheet = book.active
        sheet.append([title])
        sheet.append(headers)
        for row in rows:
            sheet.append([cell(v) if cell else v for v in row])
        book.save(path)
        return path, 3
    path = path.with_suffix(".csv")
    encoding = {"utf8": "utf-8", "bom": "utf-8-sig", "big5": "cp950"}[form]
    lines = [",".join(headers)] + [",".join(_csv_cell(v) for v in r) for r in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path, 2


def spreadsheet_cell(value):
    """How a spreadsheet would hold some cells: 1141001 as a number, 2025-10-15 as a date."""
    if isinstance(value, str) and value.isdigit() and len(value) == 7:
        return int(value)
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return date.fromisoformat(value)
    return value


def judged(result, first, cases):
    """{row number: set of fields with errors} and the rows expected for each case."""
    errors = {}
    for e in result.errors:
        errors.setdefault(e["row"], set()).add(e["field"])
    return errors, [first + n for n in range(len(cases))]
