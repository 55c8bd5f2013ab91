"""Reading import files without an app: encodings, delimiters, header rows, XLSX cells."""

import io
from datetime import datetime

import pytest
from openpyxl import Workbook

from welfare.roster.importer import HEADER_KEYS, map_headers
from welfare.roster.importer_read import ImportFileError, decode_text, header_key, read_table

KNOWN = set(HEADER_KEYS)
TEXT = "身分證字號,姓名,出生日期,里,鄰,地址\r\nE123456789,王小明,0491231,東林里,5,林園北路1號\r\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp950", "big5", "utf-16"])
def test_decode_detects_encoding(encoding):
    assert decode_text(TEXT.encode(encoding)) == TEXT


@pytest.mark.parametrize("header, key", [
    ("身分證字號", "id_number"), ("身份證字號", "id_number"), ("統一編號", "id_number"),
    ("pid", "id_number"), ("ID_Number", "id_number"), ("id number", "id_number"),
    ("姓名", "name"), ("NAME", "name"), (" 姓 名 ", "name"),
    ("出生日期", "birth_date"), ("生日", "birth_date"), ("birthday", "birth_date"),
    ("出生日期(民國)", "birth_date"), ("birth_date", "birth_date"),
    ("里", "village"), ("village", "village"), ("鄰", "neighbourhood"),
    ("neighborhood", "neighbourhood"), ("地址", "address"), ("性別", "sex"),
    ("電話", "phone"), ("設籍日期", "registered_on"), ("原住民", "indigenous"),
    ("ＰＩＤ", "id_number"), ("*姓名", "name"),
])
def test_headers_in_chinese_or_english(header, key):
    assert HEADER_KEYS.get(header_key(header)) == key


def test_first_matching_column_wins_and_unknown_ignored():
    index, written = map_headers(["備註", "姓名", "name", "身分證字號"])
    assert index == {"name": 1, "id_number": 3}
    assert written["name"] == "姓名"


def test_csv_rows_keep_spreadsheet_numbers_and_skip_blank_lines():
    data = ("姓名,身分證字號,生日\n\n王,E1,1\n,,\n李,E2,2\n").encode()
    table = read_table(data, "a.csv", KNOWN)
    assert table.headers == ["姓名", "身分證字號", "生日"]
    assert [n for n, _ in table.rows] == [3, 5]


def test_tab_separated_text_is_read():
    data = "姓名\t身分證字號\t生日\n王\tE1\t1\n".encode("utf-16")
    table = read_table(data, "export.csv", KNOWN)
    assert table.rows == [(2, ["王", "E1", "1"])]


def test_title_rows_above_the_header_are_skipped():
    data = "林園區戶籍資料\n列印日期 114/10/15\n姓名,身分證字號,出生日期\n王,E1,1\n".encode()
    table = read_table(data, "a.csv", KNOWN)
    assert table.header_row == 3 and table.rows[0][0] == 4


def _xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_xlsx_keeps_dates_and_numbers():
    data = _xlsx([["姓名", "出生日期", "鄰"], ["王", datetime(1960, 12, 31), 5],
                  ["李", 1141015, 7.0]])
    table = read_table(data, "a.xlsx", KNOWN)
    assert table.rows[0] == (2, ["王", datetime(1960, 12, 31), 5])
    assert table.rows[1][1][1] == 1141015


@pytest.mark.parametrize("data, name, message", [
    (b"", "a.csv", "empty"),
    (b"  \n\n", "a.csv", "empty"),
    (b"name,pid\n", "a.txt", "CSV or Excel"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "a.xls", ".xls"),
    (b"PK\x03\x04 not really a zip", "a.xlsx", "damaged"),
])
def test_unreadable_files_are_refused_with_a_reason(data, name, message):
    with pytest.raises(ImportFileError, match=message):
        read_table(data, name, KNOWN)
