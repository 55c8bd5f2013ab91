"""Exports: formula neutralising, CSV with BOM, XLSX read back, roles, masking, audit rows."""

import csv
import io
from datetime import date

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from welfare import exports
from welfare.auth.models import AuditLog
from welfare.roster.importer import import_file
from welfare.roster.models import Household, HouseholdMember

NASTY = ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "plain", "a=b"]


@pytest.mark.parametrize("value, expected", [
    ("=1+2", "'=1+2"), ("+886", "'+886"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"),
    ("\rx", "'\rx"), ("林園", "林園"), ("a-b", "a-b"), (None, ""), (5, "5"), (-5, "-5"),
    (True, "Y"), (date(2025, 10, 15), "2025-10-15"),
])
def test_csv_cells_are_neutralised(value, expected):
    assert exports.csv_cell(value) == expected


def test_csv_has_bom_and_round_trips():
    data = exports.to_csv(["姓名", "備註"], [["王", v] for v in NASTY])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["姓名", "備註"]
    assert [r[1] for r in rows[1:]] == ["'" + v if v[0] in "=+-@\t\r" else v for v in NASTY]


def test_xlsx_formulas_are_plain_text_and_header_is_bold():
    data = exports.to_xlsx(["姓名", "備註", "生日", "人數"],
                           [["王", v, date(1950, 5, 17), 3] for v in NASTY], title="people")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet.title == "people" and sheet["A1"].font.b and sheet.freeze_panes == "A2"
    for row, value in enumerate(NASTY, start=2):
        cell = sheet.cell(row=row, column=2)
        # XML turns a bare CR into LF when the file is read back.
        assert cell.value == value.replace("\r", "\n") and cell.data_type == "s"
        assert cell.quotePrefix == value.startswith(exports.FORMULA_STARTS)
    assert sheet["C2"].value.date() == date(1950, 5, 17) and sheet["C2"].is_date
    assert sheet["D2"].value == 3
    assert sheet.column_dimensions["B"].width >= 20


def _rows(response):
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"), newline="")))


def test_people_export_uses_the_search_filters_masks_and_logs(client, staff_user, make_person,
                                                              villages, db):
    make_person(name="陳阿明", village=villages[0], notes="x")
    make_person(name="林阿花", village=villages[1])
    hacker = make_person(name="=cmd|' /C calc'!A0", village=villages[0])
    response = client.get(f"/people/export.csv?village={villages[0].code}")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment; filename=people-")
    rows = _rows(response)
    names = [r[1] for r in rows[1:]]
    assert "陳阿明" in names and "林阿花" not in names and "'" + hacker.name in names
    assert all(r[0].endswith("****") for r in rows[1:])
    log = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "export"))
    assert log.user_id == staff_user.id and log.after["rows"] == 2
    assert log.after["filters"] == {"village": villages[0].code}


def test_full_id_export_for_staff_is_logged_separately(client, staff_user, make_person, db):
    person = make_person()
    response = client.get("/people/export.xlsx?full_id=1&purpose=郵局轉帳名冊")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert person.id_number in [c.value for c in sheet["A"]]
    log = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "export_full_id"))
    assert log is not None and log.after["full_id"] is True
    assert log.after["purpose"] == "郵局轉帳名冊" and "郵局轉帳名冊" in log.summary


@pytest.mark.parametrize("endpoint, back", [("/people/export.csv", "/people"),
                                            ("/households/export.xlsx", "/households")])
def test_full_id_export_without_a_purpose_asks_for_one(client, staff_user, make_person, db,
                                                       villages, endpoint, back):
    make_person()
    response = client.get(f"{endpoint}?full_id=1&purpose=+&village={villages[0].code}")
    assert response.status_code == 302
    assert response.location.startswith(back + "?") and "missing_purpose=1" in response.location
    assert f"village={villages[0].code}" in response.location
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id))
                             .where(AuditLog.action.like("export%"))) == 0
    page = client.get(response.location).get_data(as_text=True)
    assert 'id="purpose-error"' in page and "<details class=\"full-id-export\" open>" in page


@pytest.mark.parametrize("role, offered", [("staff", True), ("admin", True),
                                           ("supervisor", False)])
def test_the_full_id_download_form_is_only_offered_to_staff(client, as_role, role, offered):
    as_role(role)
    for page in ("/people", "/households"):
        assert ('id="purpose"' in client.get(page).get_data(as_text=True)) is offered


def test_supervisor_exports_masked_only(client, as_role, make_person):
    as_role("supervisor")
    make_person()
    assert client.get("/people/export.csv").status_code == 200
    assert client.get("/people/export.csv?full_id=1").status_code == 403
    assert client.get("/households/export.xlsx?full_id=1").status_code == 403


@pytest.mark.parametrize("role", ["volunteer", "serviceman"])
def test_field_roles_cannot_export(client, as_role, role):
    as_role(role)
    for url in ("/people/export.csv", "/people/export.xlsx", "/households/export.csv"):
        assert client.get(url).status_code == 403


def test_village_limited_user_exports_only_their_villages(client, as_role, make_person, villages):
    as_role("staff", villages=[villages[1]])
    make_person(name="甲里人", village=villages[0])
    make_person(name="乙里人", village=villages[1])
    names = [r[1] for r in _rows(client.get("/people/export.csv"))[1:]]
    assert names == ["乙里人"]


def test_households_export(client, staff_user, make_person, village, db):
    head = make_person(name="戶長甲")
    household = Household(village_id=village.id, address="林園北路1號", neighbourhood=2,
                          household_no="H001", head_id=head.id)
    db.session.add(household)
    db.session.flush()
    db.session.add(HouseholdMember(household_id=household.id, person_id=head.id))
    db.session.flush()
    response = client.get("/households/export.xlsx?address=林園北路")
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [c.value for c in sheet[2]]
    assert values[0] == "H001" and "戶長甲" in values and head.id_number not in values
    assert 1 in values
    log = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "export"))
    assert log.entity_type == "households" and log.after["rows"] == 1


def test_full_id_export_imports_back_unchanged(client, staff_user, make_person, villages,
                                               tmp_path, app):
    for i, v in enumerate(villages[:3]):
        make_person(name=f"來回{i}", village=v, phone="07-6411111", mobile="0912345678",
                    registered_on=date(1991, 1, 15), indigenous=bool(i % 2))
    for lang in ("zh_Hant_TW", "en"):
        path = tmp_path / f"people-{lang}.xlsx"
        path.write_bytes(client.get(f"/people/export.xlsx?full_id=1&purpose=test&lang={lang}").data)
        result = import_file(path, dry_run=True)
        assert result.errors == [] and (result.created, result.updated) == (0, 0), lang
        assert result.unchanged == 3
