"""Roster import from the command line and in the browser: shapes, roles, the full round."""

import io
import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.data.roster_files import person_rows, write_csv
from welfare.auth.models import AuditLog
from welfare.core import idno
from welfare.roster.importer import import_file
from welfare.roster.models import Person


def csv_bytes(rows, encoding="utf-8"):
    lines = ["身分證字號,姓名,出生日期,里,鄰,地址"] + [",".join(r[:6]) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode(encoding)


def upload(client, data, name="roster.csv"):
    return client.post("/people/import", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_cli_json_shape_in_chinese_by_default(app, db, tmp_path):
    rows = person_rows(4) + [["A123456788", "錯", "0491231", "東林里", "1", "x", "", ""]]
    path = write_csv(tmp_path / "a.csv", rows)
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["roster", "import", str(path), "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    result = json.loads(dry.output)
    assert set(result) == {"rows", "valid", "created", "updated", "errors"}
    assert (result["rows"], result["valid"], result["created"], result["updated"]) == (5, 4, 4, 0)
    [error] = result["errors"]
    assert error["row"] == 6 and error["field"] == "id_number"
    assert "身分證字號" in error["message"]  # zh_Hant_TW is the default locale
    assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 0
    done = runner.invoke(args=["roster", "import", str(path), "--json"])
    assert json.loads(done.output)["created"] == 4
    assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 4


def test_cli_summary_user_and_unreadable_file(app, db, tmp_path, make_user):
    user = make_user("staff", username="clerk-import")
    path = write_csv(tmp_path / "a.csv", person_rows(2))
    runner = app.test_cli_runner()
    out = runner.invoke(args=["roster", "import", str(path), "--user", "clerk-import"])
    assert out.exit_code == 0 and "2" in out.output
    row = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "import"))
    assert row.user_id == user.id and row.ip == ""
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"PK\x03\x04 broken")
    out = runner.invoke(args=["roster", "import", str(bad), "--json"])
    assert out.exit_code == 1 and json.loads(out.output)["errors"][0]["row"] == 1
    assert runner.invoke(args=["roster", "import", str(tmp_path / "none.csv")]).exit_code != 0
    assert runner.invoke(args=["roster", "import", str(path), "--user", "nobody"]).exit_code != 0


def test_upload_preview_confirm(client, db, staff_user, app):
    rows = person_rows(6)
    bad = [idno.generate(), "王", "114/02/30", "東林里", "1", "x"]
    response = upload(client, csv_bytes(rows + [bad], "cp950"))
    assert response.status_code == 302
    preview_url = response.headers["Location"]
    page = client.get(preview_url).text
    assert rows[0][1] in page and rows[0][0] not in page  # masked ID numbers
    assert rows[0][0][:6] in page and "114/02/30" in page
    assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 0
    token = preview_url.rsplit("/", 1)[-1]
    done = client.post(f"/people/import/{token}/confirm")
    assert done.status_code == 302 and done.headers["Location"].endswith("/people/import/result")
    assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 6
    result = client.get("/people/import/result").text
    assert "roster.csv" in result
    assert not list((Path(app.instance_path) / "imports").glob(f"{token}.*"))
    assert client.get(preview_url).status_code == 404


def test_cancel_writes_nothing_and_removes_the_file(client, db, staff_user):
    token = upload(client, csv_bytes(person_rows(2))).headers["Location"].rsplit("/", 1)[-1]
    assert client.post(f"/people/import/{token}/cancel").status_code == 302
    assert client.post(f"/people/import/{token}/confirm").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 0


def test_someone_elses_upload_is_not_found(client, db, make_user, as_role):
    as_role("staff")
    token = upload(client, csv_bytes(person_rows(2))).headers["Location"].rsplit("/", 1)[-1]
    client.post("/logout")
    as_role("admin")
    assert client.get(f"/people/import/{token}").status_code == 404
    assert client.post(f"/people/import/{token}/confirm").status_code == 404


@pytest.mark.parametrize("data, name, message", [
    (b"", "a.csv", "empty"),
    (b"hello", "a.pdf", "CSV or Excel"),
    ("身分證字號,姓名\r\nA123456789,王\r\n".encode(), "a.csv", "no column for"),
    ("身分證字號,姓名,出生日期,里,鄰,地址\r\n".encode(), "a.csv", "no rows"),
])
def test_upload_errors_are_shown_on_the_form(client, db, staff_user, data, name, message):
    response = client.get("/people/import?lang=en")
    response = upload(client, data, name)
    assert response.status_code == 400
    assert message in response.text and 'class="error-summary"' in response.text


def test_large_file_preview_shows_totals_and_pages_errors(client, db, staff_user):
    client.get("/people/import?lang=en")
    rows = [[idno.generate(), "某", "999/99/99", "東林里", "1", "x"] for _ in range(120)]
    location = upload(client, csv_bytes(rows + person_rows(3))).headers["Location"]
    page = client.get(location).text
    assert "120" in page and "Page 1 of 3" in page
    assert page.count("is not a real date") == 50
    last = client.get(location + "?page=3").text
    assert "Page 3 of 3" in last and last.count("is not a real date") == 20
    assert ">121<" in last and ">101<" not in last


@pytest.mark.parametrize("role", ["supervisor", "volunteer", "serviceman"])
def test_only_staff_and_admin_import(client, as_role, role):
    as_role(role)
    assert client.get("/people/import").status_code == 403
    assert upload(client, csv_bytes(person_rows(1))).status_code == 403
    assert client.get("/people/import/template.xlsx").status_code == 403


def test_template_downloads_are_importable(client, db, staff_user, tmp_path):
    for fmt in ("csv", "xlsx"):
        response = client.get(f"/people/import/template.{fmt}")
        assert response.status_code == 200
        path = tmp_path / f"t.{fmt}"
        path.write_bytes(response.data)
        result = import_file(path, dry_run=True)
        assert result.to_dict() == {"rows": 1, "valid": 1, "created": 1, "updated": 0,
                                    "errors": []}


def test_large_files_are_saved_in_the_background(app, client, db, staff_user, monkeypatch):
    from welfare.jobs.models import Job
    from welfare.roster import views_import

    monkeypatch.setattr(views_import, "BACKGROUND_ROWS", 3)
    token = upload(client, csv_bytes(person_rows(4))).headers["Location"].rsplit("/", 1)[-1]
    response = client.post(f"/people/import/{token}/confirm")
    assert "/jobs/" in response.headers["Location"]
    job = db.session.scalar(sa.select(Job).where(Job.kind == "roster_import"))
    assert job.status == "done" and "4" in job.message
    assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 4
    assert client.get(f"/people/import/{token}").status_code == 404


def test_large_files_are_checked_in_the_background(app, client, db, staff_user, monkeypatch):
    from welfare.jobs.models import Job
    from welfare.roster import views_import

    monkeypatch.setattr(views_import, "BACKGROUND_BYTES", 10)
    rows = person_rows(4) + [["A123456788", "錯", "0491231", "東林里", "1", "x", "", ""]]
    response = upload(client, csv_bytes(rows))
    assert "/jobs/" in response.headers["Location"]
    job = db.session.scalar(sa.select(Job).where(Job.kind == "roster_preview"))
    assert job.status == "done" and "5" in job.message and "4" in job.message
    token = job.return_url.rsplit("/", 1)[-1]
    page = client.get(f"/people/import/{token}")
    assert page.status_code == 200
    assert "A123456788" not in page.get_data(as_text=True)  # masked in the preview
    assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 0  # a dry run
    assert client.post(f"/people/import/{token}/confirm").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 4


def test_a_bad_big_file_fails_its_check_job_and_is_deleted(app, client, db, staff_user,
                                                           monkeypatch):
    from welfare.jobs.models import Job
    from welfare.roster import views_import

    monkeypatch.setattr(views_import, "BACKGROUND_BYTES", 10)
    response = upload(client, "姓名,電話\r\n王小明,0912\r\n".encode())
    assert "/jobs/" in response.headers["Location"]
    job = db.session.scalar(sa.select(Job).where(Job.kind == "roster_preview"))
    assert job.status == "failed" and "身分證字號" in job.message
    token = job.return_url.rsplit("/", 1)[-1]
    assert client.get(f"/people/import/{token}").status_code == 404
    assert not list(views_import._folder().glob(f"{token}.*"))
