"""Reading roster files into rows: CSV (UTF-8, UTF-8 with BOM, Big5/CP950, UTF-16) and XLSX."""

import codecs
import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from charset_normalizer import from_bytes
from flask_babel import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

EXTENSIONS = ("csv", "xlsx")
# How far down a sheet to look for the header row (exports often start with a title).
HEADER_SEARCH_ROWS = 10


class ImportFileError(Exception):
    """The file as a whole cannot be read: wrong type, unreadable text, empty, no columns."""


@dataclass
class Table:
    headers: list
    header_row: int
    rows: list = field(default_factory=list)  # (row number as a spreadsheet shows it, cells)


def extension_of(filename):
    return (filename or "").rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""


def decode_text(data):
    """Text of a CSV file, its encoding detected rather than asked."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = ("utf-8-sig",)
    elif data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        candidates = ("utf-16",)
    else:
        # Strict decoders first: Big5 bytes are almost never valid UTF-8.
        candidates = ("utf-8", "cp950", "big5hkscs")
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is None:
        raise ImportFileError(
            _("The file's text could not be read. Save it as “CSV UTF-8” or as Excel (.xlsx).")
        )
    return str(best)


def _csv_rows(data):
    text = decode_text(data)
    first = text.split("\n", 1)[0]
    delimiter = max(("\t", ",", ";"), key=first.count) if first else ","
    if first.count(delimiter) == 0:
        delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [(number, row) for number, row in enumerate(reader, start=1)]


def _xlsx_rows(data):
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise ImportFileError(_("This Excel file could not be opened; it may be damaged.")) from exc
    try:
        sheet = book.worksheets[0]
        return [(number, list(row)) for number, row in
                enumerate(sheet.iter_rows(values_only=True), start=1)]
    finally:
        book.close()


def is_blank(cells):
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def header_key(text):
    """A header reduced for matching: width-folded, lower case, no spaces, no (notes)."""
    text = unicodedata.normalize("NFKC", str(text or "")).strip().lower()
    text = re.sub(r"\(.*?\)|[\s_\-*:]", "", text)
    return text


def read_table(data, filename, known_headers):
    """The header row and data rows of an uploaded file.
    `known_headers` (a set of header_key values) helps find the header row."""
    ext = extension_of(filename)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            _("Old Excel files (.xls) cannot be read. Save the file as .xlsx or CSV and try again.")
        )
    if ext not in EXTENSIONS:
        raise ImportFileError(_("Choose a CSV or Excel (.xlsx) file."))
    if not data.strip():
        raise ImportFileError(_("The file is empty."))
    rows = _xlsx_rows(data) if ext == "xlsx" or data.startswith(b"PK") else _csv_rows(data)
    rows = [(n, cells) for n, cells in rows if not is_blank(cells)]
    if not rows:
        raise ImportFileError(_("The file is empty."))
    start = 0
    for index, (_number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if sum(header_key(c) in known_headers for c in cells) >= 3:
            start = index
            break
    number, headers = rows[start]
    headers = ["" if h is None else str(h).strip() for h in headers]
    return Table(headers=headers, header_row=number, rows=rows[start + 1:])
