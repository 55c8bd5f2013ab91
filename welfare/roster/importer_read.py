"""Reading roster files into rows: CSV (UTF-8, UTF-8 with BOM, Big5/CP950, UTF-16) and XLSX."""

import itertools
import re
import unicodedata
from dataclasses import dataclass, field

from flask_babel import gettext as _

from welfare.uploads import UploadError, csv_rows, decode_text, is_xlsx, xlsx_rows

EXTENSIONS = ("csv", "xlsx")
# How far down a sheet to look for the header row (exports often start with a title).
HEADER_SEARCH_ROWS = 10
# Whole-file problems are the uploads module's; the importer has always called them this.
ImportFileError = UploadError
__all__ = ["ImportFileError", "Table", "decode_text", "header_key", "is_blank", "open_table",
           "read_table"]


@dataclass
class Table:
    headers: list
    header_row: int
    rows: object = field(default_factory=list)  # (row number as a spreadsheet shows it, cells)
    # Rows in the file, blank ones included (for progress); None when not known in advance.
    row_count: int | None = None


def extension_of(filename):
    return (filename or "").rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""


def is_blank(cells):
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def header_key(text):
    """A header reduced for matching: width-folded, lower case, no spaces, no (notes)."""
    text = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    text = re.sub(r"\(.*?\)|[\s_\-*:]", "", text)
    return text


def open_table(data, filename, known_headers):
    """The header row of an uploaded file, and its data rows as an iterator (read as they
    are judged). `known_headers` (a set of header_key values) helps find the header row."""
    ext = extension_of(filename)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("Old Excel files (.xls) cannot be read. Save the file as .xlsx or CSV and try again.")
        )
    if ext not in EXTENSIONS:
        raise ImportFileError(_("Choose a CSV or Excel (.xlsx) file."))
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    rows, count = xlsx_rows(data) if ext == "xlsx" or is_xlsx(data, "") else csv_rows(data)
    rows = ((n, cells) for n, cells in rows if not is_blank(cells))
    first = list(itertools.islice(rows, HEADER_SEARCH_ROWS))
    if not first:
        raise ImportFileError(_("The file is empty."))
    start = 0
    for index, (_number, cells) in enumerate(first):
        if sum(header_key(c) in known_headers for c in cells) >= 3:
            start = index
            break
    number, headers = first[start]
    headers = ["" if h is None else str(h).strip() for h in headers]
    return Table(headers=headers, header_row=number,
                 rows=itertools.chain(first[start + 1:], rows), row_count=count)


def read_table(data, filename, known_headers):
    """open_table with every row read into a list (for small files and tests)."""
    table = open_table(data, filename, known_headers)
    table.rows = list(table.rows)
    return table
