"""Roster import within limits: damaged and garbage files answer 400 with a reason, huge
files are refused before a job starts, problems are listed up to a cap and counted beyond
it, and invisible characters never reach the register."""

import io
import os

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from tests.data.roster_files import person_rows, write_csv
from welfare.jobs.models import Job
from welfare.roster import import_jobs, views_import
from welfare.roster.importer import import_file
from welfare.roster.models import Person


@pytest.fixture(autouse=True)
def english(app):
    with app.test_request_context("/?lang=en"):
        yield


def upload(client, data, name):
    return client.post("/people/import?lang=en", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("data, name, message", [
    (b"PK\x03\x04" + os.urandom(500), "roster.xlsx", "damaged"),
    (xlsx([["姓名"], ["王"]])[:700], "roster.xlsx", "damaged"),
    (b"\x89PNG\r\n\x1a\n" + bytes(600), "roster.csv", "not a text"),
    (os.urandom(2000), "roster.xlsx", "damaged"),
    (b"GIF89a" + bytes(100), "photo.gif", "CSV or Excel"),
    ("身分證字號,姓名\n".encode() + b"\xff\xfe\xfa" * 50, "roster.csv", "text could not be read"),
])
def test_damaged_and_wrong_files_answer_400_with_a_reason(client, staff_user, data, name,
                                                            message):
    kept = set(import_jobs.folder().iterdir())
    response = upload(client, data, name)
    assert response.status_code == 400
    assert message in response.text
    assert set(import_jobs.folder().iterdir()) == kept  # the refused upload is not kept


def test_big_file_over_the_row_cap_is_refused_before_any_job(client, staff_user, tmp_path,
                                                              app, db, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 20)
    monkeypatch.setattr(views_import, "BACKGROUND_BYTES", 100)
    path = write_csv(tmp_path / "big.csv", person_rows(30))
    jobs_before = db.session.scalar(sa.select(sa.func.count(Job.id)))
    response = upload(client, path.read_bytes(), "big.csv")
    assert response.status_code == 400
    assert "more than 20 rows" in response.text
    assert db.session.scalar(sa.select(sa.func.count(Job.id))) == jobs_before


def test_big_file_within_the_cap_is_checked_in_a_job(client, staff_user, tmp_path, db,
                                                      monkeypatch):
    monkeypatch.setattr(views_import, "BACKGROUND_BYTES", 100)
    path = write_csv(tmp_path / "big.csv", person_rows(30))
    response = upload(client, path.read_bytes(), "big.csv")
    assert response.status_code == 302 and "/jobs/" in response.location


def test_problems_are_listed_up_to_the_cap_and_counted_beyond(app, db, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_ERRORS", 5)
    rows = [["A123456788", f"錯{n}", "0491231", "東林里", "1", "x", "", ""] for n in range(12)]
    result = import_file(write_csv(tmp_path / "bad.csv", rows + person_rows(3)), dry_run=True)
    assert (result.rows, result.valid) == (15, 3)
    assert len(result.errors) == 5 and result.errors_more == 7
    assert [e["row"] for e in result.errors] == [2, 3, 4, 5, 6]


def test_preview_says_how_many_problems_are_not_listed(client, staff_user, app, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_ERRORS", 2)
    lines = ["身分證字號,姓名,出生日期,里,鄰,地址"] + [
        f"A12345678{n},王,0491231,東林里,1,x" for n in range(5)]
    response = upload(client, "\n".join(lines).encode(), "bad.csv")
    preview = client.get(response.location).text
    assert "Only the first 2 problems are listed; 3 more are not shown." in preview


def test_imported_names_and_addresses_lose_invisible_characters(db, tmp_path):
    [row] = person_rows(1)
    row[1] = "\u202e王\u200b小\ufeff明\u200f"
    row[5] = "\u2066林園北路\u00ad1號\u2069"
    result = import_file(write_csv(tmp_path / "a.csv", [row]), dry_run=False)
    assert result.created == 1, result.errors
    person = db.session.scalar(sa.select(Person).where(Person.id_number == row[0]))
    assert (person.name, person.address) == ("王小明", "林園北路1號")
