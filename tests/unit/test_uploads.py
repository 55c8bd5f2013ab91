"""Reading uploads safely, without an app: garbage, damaged and exploding files are refused
with a reason; rows are counted without trusting <dimension>; the row cap holds."""

import io
import os
import zipfile

import pytest
from openpyxl import Workbook

from welfare import uploads
from welfare.uploads import UploadError, check_xlsx, csv_rows, decode_text, xlsx_rows


def xlsx_bytes(rows, write_only=False):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet() if write_only else book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def without_dimension(data):
    """The same workbook with its sheet's <dimension> tag taken out."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                start = body.find(b"<dimension")
                if start >= 0:
                    body = body[:start] + body[body.find(b">", start) + 1:]
            target.writestr(info.filename, body)
    return out.getvalue()


@pytest.fixture
def max_rows(monkeypatch):
    def set_limit(n):
        monkeypatch.setitem(uploads.DEFAULTS, "IMPORT_MAX_ROWS", n)

    return set_limit


@pytest.mark.parametrize("data", [
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(200),
    b"MZ\x90\x00\x03\x00\x00\x00" + bytes(100),
])
def test_binary_files_are_not_text(data):
    with pytest.raises(UploadError, match="not a text"):
        decode_text(data)


def test_csv_with_a_field_too_long_for_the_reader_is_refused():
    data = b"a,b\n\"" + b"x" * 200_000 + b"\",1\n"
    with pytest.raises(UploadError, match="CSV file could not be read"):
        csv_rows(data)


def test_csv_nul_characters_are_dropped():
    rows, count = csv_rows("姓名,鄰\r\n王\x00小明,5\r\n".encode("utf-16"))
    assert list(rows) == [(1, ["姓名", "鄰"]), (2, ["王小明", "5"])] and count == 2


def test_csv_rows_are_counted_and_capped(max_rows):
    data = "".join(f"{n},x\n" for n in range(10)).encode()
    rows, count = csv_rows(data)
    assert count == 10 and len(list(rows)) == 10
    max_rows(9)
    with pytest.raises(UploadError, match="more than 9 rows"):
        csv_rows(data)


@pytest.mark.parametrize("data", [
    b"PK\x03\x04 not really a zip",
    b"",
    os.urandom(3000),
])
def test_garbage_is_a_damaged_workbook(data):
    with pytest.raises(UploadError, match="damaged"):
        xlsx_rows(data)


def test_truncated_workbook_is_damaged():
    data = xlsx_bytes([["姓名", "鄰"]] + [[f"王{n}", n] for n in range(2000)])
    with pytest.raises(UploadError, match="damaged"):
        rows, _count = xlsx_rows(data[: len(data) // 2])
        list(rows)


def test_a_zip_that_is_not_a_workbook_is_damaged():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(UploadError, match="damaged"):
        xlsx_rows(buffer.getvalue())


def test_zip_bomb_is_refused_before_it_is_opened():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (64 * 2**20))
    assert len(buffer.getvalue()) < 200_000
    with pytest.raises(UploadError, match="too much data"):
        check_xlsx(buffer.getvalue())


def test_too_much_unpacked_data_is_refused(monkeypatch):
    monkeypatch.setitem(uploads.DEFAULTS, "IMPORT_MAX_UNPACKED_MB", 1)
    data = xlsx_bytes([[os.urandom(40).hex() for _ in range(10)] for _ in range(3000)])
    with pytest.raises(UploadError, match="too much data"):
        check_xlsx(data)


def test_rows_are_counted_without_a_dimension_across_chunks():
    # 30,000 rows make a sheet of several megabytes: the count crosses read chunks.
    rows = [["姓名", "鄰"]] + [[f"王{n}", n] for n in range(30_000)]
    data = without_dimension(xlsx_bytes(rows, write_only=True))
    assert b"<dimension" not in zipfile.ZipFile(io.BytesIO(data)).read(
        "xl/worksheets/sheet1.xml")
    assert check_xlsx(data) == 30_001
    read, count = xlsx_rows(data)
    assert count == 30_001 and sum(1 for _ in read) == 30_001


def test_too_many_rows_are_refused_before_reading(max_rows):
    data = without_dimension(xlsx_bytes([[n] for n in range(50)], write_only=True))
    max_rows(49)
    with pytest.raises(UploadError, match="more than 49 rows"):
        xlsx_rows(data)


def test_rows_beyond_the_cap_are_refused_while_reading(max_rows):
    # One written row numbered far down the sheet: openpyxl fills the gap with empty rows.
    data = xlsx_bytes([["姓名"]])
    source = zipfile.ZipFile(io.BytesIO(data))
    sheet = source.read("xl/worksheets/sheet1.xml").replace(
        b"</sheetData>", b'<row r="5000"><c r="A5000" t="inlineStr"><is><t>x</t></is></c>'
                         b"</row></sheetData>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            body = sheet if info.filename == "xl/worksheets/sheet1.xml" else source.read(info)
            target.writestr(info.filename, body)
    max_rows(100)
    rows, count = xlsx_rows(without_dimension(out.getvalue()))
    assert count == 2
    with pytest.raises(UploadError, match="more than 100 rows"):
        list(rows)
