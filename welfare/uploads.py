"""Uploaded spreadsheets read safely, row by row: CSV in any common encoding, XLSX checked
for damage and zip bombs before it is opened, and a cap on rows so that a huge file is
refused in a second instead of filling memory for minutes."""

import codecs
import csv
import io
import re
import zipfile
import zlib

from charset_normalizer import from_bytes
from flask import current_app, has_app_context
from flask_babel import gettext as _

DEFAULTS = {
    # Rows (blank ones included) a file may have: a district has about 70,000 residents.
    "IMPORT_MAX_ROWS": 200_000,
    # What an XLSX may unpack to, and its shared strings (read whole before the first row).
    "IMPORT_MAX_UNPACKED_MB": 500,
    "IMPORT_MAX_SHARED_STRINGS_MB": 64,
    # Problems listed one by one; beyond this only counted.
    "IMPORT_MAX_ERRORS": 1000,
}
MB = 1024 * 1024
# Deflate squeezes ordinary sheets 5 to 30 times; far more means a file built to explode.
MAX_RATIO = 300
ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s>/]")
# Anything openpyxl raises on a file that is not a sound workbook (with its own
# InvalidFileException, added by damaged_errors(): openpyxl is imported when first needed).
DAMAGED = (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, OSError,
           ValueError, TypeError, IndexError, AttributeError, EOFError, SyntaxError,
           zlib.error, NotImplementedError)


def damaged_errors():
    from openpyxl.utils.exceptions import InvalidFileException

    return (*DAMAGED, InvalidFileException)


class UploadError(Exception):
    """The file as a whole cannot be read: wrong type, unreadable text, damaged, too big."""


def setting(name):
    if has_app_context():
        return current_app.config.get(name, DEFAULTS[name])
    return DEFAULTS[name]


def too_many_rows():
    return UploadError(_("The file has more than %(max)s rows. Split it into smaller files "
                         "and import them one by one.", max=f"{setting('IMPORT_MAX_ROWS'):,}"))


def decode_text(data):
    """Text of a CSV file, its encoding detected rather than asked."""
    if data.startswith(codecs.BOM_UTF8):
        candidates = ("utf-8-sig",)
    elif data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        candidates = ("utf-16",)
    else:
        if b"\x00" in data[:8192]:  # text files have no NUL bytes; pictures and programs do
            raise UploadError(_("This is not a text (CSV) file. Choose a CSV or Excel (.xlsx) "
                                "file."))
        # Strict decoders first: Big5 bytes are almost never valid UTF-8.
        candidates = ("utf-8", "cp950", "big5hkscs")
    for encoding in candidates:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    best = from_bytes(data).best()
    if best is None:
        raise UploadError(
            _("The file's text could not be read. Save it as “CSV UTF-8” or as Excel (.xlsx).")
        )
    return str(best)


def csv_rows(data):
    """(rows, row count): rows is an iterator of (line number, cells)."""
    text = decode_text(data).replace("\x00", "")
    first = text.split("\n", 1)[0]
    delimiter = max(("\t", ",", ";"), key=first.count) if first else ","
    if first.count(delimiter) == 0:
        delimiter = ","

    def reader():
        return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def rows():
        try:
            yield from enumerate(reader(), start=1)
        except csv.Error as exc:
            raise UploadError(_("The CSV file could not be read: %(reason)s", reason=exc)) \
                from exc

    count = 0
    for count, _row in rows():  # a quick count first, so a huge file is refused at once
        if count > setting("IMPORT_MAX_ROWS"):
            raise too_many_rows()
    return rows(), count


def damaged():
    return UploadError(_("This Excel file could not be opened; it may be damaged."))


def check_xlsx(data):
    """Refuse an XLSX that is not a zip, unpacks too big, or hides a bomb; return the
    number of rows its first sheet holds (counted, not read from its <dimension>)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except DAMAGED as exc:
        raise damaged() from exc
    sizes = {info.filename: info.file_size for info in infos}
    too_big = UploadError(_("This Excel file holds too much data to import. Split it into "
                            "smaller files, or save it as CSV."))
    if sum(sizes.values()) > setting("IMPORT_MAX_UNPACKED_MB") * MB or any(
            info.file_size > MB and info.file_size > MAX_RATIO * max(info.compress_size, 1)
            for info in infos):
        raise too_big
    if sizes.get("xl/sharedStrings.xml", 0) > setting("IMPORT_MAX_SHARED_STRINGS_MB") * MB:
        raise too_big
    if "xl/workbook.xml" not in sizes:
        raise damaged()
    from openpyxl.reader.workbook import WorkbookParser

    try:
        parser = WorkbookParser(archive, "xl/workbook.xml")
        parser.parse()
        sheet_path = next((rel.target for _sheet, rel in parser.find_sheets()
                           if rel.target in sizes), None)
        return _count_rows(archive, sheet_path) if sheet_path else None
    except UploadError:
        raise
    except damaged_errors() as exc:
        raise damaged() from exc


def _count_rows(archive, path):
    """Rows in a worksheet's XML, stopping as soon as there are too many."""
    limit, count, tail = setting("IMPORT_MAX_ROWS"), 0, b""
    with archive.open(path) as stream:
        while chunk := stream.read(MB):
            buffer = tail + chunk
            end = 0
            for match in ROW_TAG.finditer(buffer):
                count += 1
                end = match.end()
            if count > limit:
                raise too_many_rows()
            tail = buffer[max(end, len(buffer) - 64):]
    return count


def xlsx_rows(data):
    """(rows, row count): rows is an iterator of (row number, cells) of the first sheet."""
    from openpyxl import load_workbook

    count = check_xlsx(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
    except damaged_errors() as exc:
        raise damaged() from exc

    def rows():
        limit = setting("IMPORT_MAX_ROWS")
        try:
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                if number > limit:
                    raise too_many_rows()
                yield number, list(row)
        except damaged_errors() as exc:
            raise damaged() from exc
        finally:
            book.close()

    return rows(), count


def is_xlsx(data, filename):
    return (filename or "").lower().endswith((".xlsx", ".xlsm")) or data.startswith(b"PK")
