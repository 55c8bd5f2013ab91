"""Typed-back sheets: damaged, garbage and wrong files answer 400 with a reason; Big5 and
UTF-16 text is read; big sheets are recorded in a background job with a list of problems."""

import io
import os

import pytest
import sqlalchemy as sa

from welfare.jobs.models import Job
from welfare.rounds.models import Payout, RoundEntry


def post(client, round_id, data, name, mode="all"):
    return client.post(f"/rounds/{round_id}/upload?lang=en",
                       data={"file": (io.BytesIO(data), name), "mode": mode},
                       content_type="multipart/form-data")


def tokens(db, round_):
    return db.session.scalars(sa.select(RoundEntry.token).where(
        RoundEntry.round_id == round_.id).order_by(RoundEntry.id)).all()


def payouts(db):
    return db.session.scalar(sa.select(sa.func.count(Payout.id)))


@pytest.mark.parametrize("data, name, message", [
    (b"PK\x03\x04" + os.urandom(400), "back.xlsx", "damaged"),
    (os.urandom(3000), "back.xlsx", "damaged"),
    (b"\x89PNG\r\n\x1a\n" + bytes(300), "back.csv", "not a text"),
    (os.urandom(3000).replace(b"\x00", b"\x01"), "back.csv", "could not be read"),
    (b"%PDF-1.7\n" + os.urandom(100), "back.pdf", "Upload a .csv or .xlsx file"),
    (b"", "back.csv", "The file is empty"),
    ("名字,金額\n王,1500\n".encode(), "back.csv", "must name the columns"),
    (b'"' + b"x" * 200_000 + b'",1\n', "back.csv", "could not be read"),
])
def test_bad_files_answer_400_with_a_reason(client, as_role, db, approved_round, data, name,
                                            message):
    as_role("staff")
    response = post(client, approved_round.id, data, name)
    assert response.status_code == 400, response.status_code
    assert message in response.text
    assert payouts(db) == 0


@pytest.mark.parametrize("encoding", ["big5", "utf-16", "utf-8-sig"])
def test_sheets_in_other_encodings_are_read(client, as_role, db, approved_round, encoding):
    as_role("staff")
    token = tokens(db, approved_round)[0]
    response = post(client, approved_round.id, f"條碼,結果\n{token},本人\n".encode(encoding),
                    "back.csv")
    assert response.status_code == 200 and payouts(db) == 1


def test_too_many_rows_are_refused(client, as_role, db, approved_round, app, monkeypatch):
    as_role("staff")
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 3)
    lines = "條碼,結果\n" + "".join(f"{t},本人\n" for t in tokens(db, approved_round))
    response = post(client, approved_round.id, lines.encode(), "back.csv")
    assert response.status_code == 400 and "more than 3 rows" in response.text
    assert payouts(db) == 0


def test_big_sheet_is_recorded_in_a_job_with_a_list_of_problems(
        client, as_role, db, approved_round, app, monkeypatch):
    as_role("staff")
    monkeypatch.setitem(app.config, "ROUNDS_UPLOAD_BACKGROUND_ROWS", 1)
    good = tokens(db, approved_round)
    lines = "條碼,結果\n" + "".join(f"{t},本人\n" for t in good) + "FFFFFFFFFFFF,本人\n"
    response = post(client, approved_round.id, lines.encode(), "back.csv", mode="rows")
    assert response.status_code == 302 and "/jobs/" in response.location
    job = db.session.get(Job, int(response.location.rsplit("/", 1)[1]))
    db.session.refresh(job)
    assert (job.kind, job.status) == ("round_outcomes", "done")
    assert f"{len(good)} outcomes recorded; 1 rows were not" in job.message
    assert payouts(db) == len(good)
    problems = client.get(f"/jobs/{job.id}/download")
    text = problems.data.decode("utf-8-sig")
    problems.close()
    assert f"{len(good) + 2}," in text and "No one on this round" in text


def test_big_sheet_all_or_nothing_records_nothing(client, as_role, db, approved_round, app,
                                                  monkeypatch):
    as_role("staff")
    monkeypatch.setitem(app.config, "ROUNDS_UPLOAD_BACKGROUND_ROWS", 1)
    lines = "條碼,結果\n" + "".join(f"{t},本人\n" for t in tokens(db, approved_round)) + \
        "FFFFFFFFFFFF,本人\n"
    response = post(client, approved_round.id, lines.encode(), "back.csv", mode="all")
    job = db.session.get(Job, int(response.location.rsplit("/", 1)[1]))
    db.session.refresh(job)
    assert job.status == "done" and job.message.startswith("Nothing was recorded")
    assert job.result_path and payouts(db) == 0


def test_problems_beyond_the_cap_are_counted(client, as_role, db, approved_round, app,
                                             monkeypatch):
    as_role("staff")
    monkeypatch.setitem(app.config, "IMPORT_MAX_ERRORS", 2)
    lines = "條碼,結果\n" + "".join(f"FFFFFFFFFF{n:02d},本人\n" for n in range(6))
    response = post(client, approved_round.id, lines.encode(), "back.csv", mode="rows")
    assert response.status_code == 200
    assert response.text.count("No one on this round") == 2
    assert "4 more rows have problems." in response.text
