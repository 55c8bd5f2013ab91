"""Roster import against the database: dry run, one-transaction write, reimport, audit."""

from datetime import date, datetime

import psycopg
import pytest
import sqlalchemy as sa

from tests.data.roster_files import HEADERS_ZH, person_rows, write_csv, write_xlsx
from welfare.auth.models import AuditLog
from welfare.core import idno
from welfare.roster import importer_write
from welfare.roster.importer import import_file
from welfare.roster.models import DuplicateFlag, Person


@pytest.fixture(autouse=True)
def english(app):
    """Messages in English here (the stable msgids); the CLI test checks the Chinese default."""
    with app.test_request_context("/?lang=en"):
        yield


def count(db, model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def audit_rows(db, action):
    return db.session.scalars(sa.select(AuditLog).where(AuditLog.action == action)
                              .order_by(AuditLog.id)).all()


def test_dry_run_counts_but_writes_nothing(db, tmp_path):
    path = write_csv(tmp_path / "roster.csv", person_rows(30))
    before_people, before_audit = count(db, Person), count(db, AuditLog)
    result = import_file(path, dry_run=True)
    assert result.to_dict() == {"rows": 30, "valid": 30, "created": 30, "updated": 0,
                                "errors": []}
    assert count(db, Person) == before_people and count(db, AuditLog) == before_audit


def test_confirm_writes_people_with_audit_and_an_import_row(db, tmp_path, staff_user):
    rows = person_rows(25)
    path = write_csv(tmp_path / "roster.csv", rows)
    result = import_file(path, actor=staff_user)
    assert (result.created, result.updated, result.valid) == (25, 0, 25)
    person = db.session.scalar(sa.select(Person).where(Person.id_number == rows[0][0]))
    assert person.name == rows[0][1] and person.village.name_zh == rows[0][3]
    assert person.neighbourhood == int(rows[0][4]) and person.status == "registered"
    assert person.sex == ("M" if rows[0][6] == "男" else "F")
    created = [a for a in audit_rows(db, "create") if a.entity_type == "people"]
    assert len(created) == 25 and all(a.user_id == staff_user.id for a in created)
    mine = next(a for a in created if a.entity_id == person.id)
    assert mine.after["id_number"] == person.id_number
    assert mine.after["birth_date"] == person.birth_date.isoformat()
    [summary] = audit_rows(db, "import")
    assert "roster.csv" in summary.summary and summary.after["created"] == 25


def test_reimport_creates_no_duplicates_and_updates_only_changes(db, tmp_path, admin_user):
    rows = person_rows(10)
    import_file(write_csv(tmp_path / "a.csv", rows), actor=admin_user)
    again = import_file(write_csv(tmp_path / "a.csv", rows), actor=admin_user)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 10)
    assert count(db, Person, Person.id_number.in_([r[0] for r in rows])) == 10
    rows[3][5] = "新地址100號"
    rows[4][1] = "改名字"
    rows[4][3] = "64000130024"
    changed = import_file(write_csv(tmp_path / "a.csv", rows), actor=admin_user)
    assert (changed.created, changed.updated, changed.unchanged) == (0, 2, 8)
    updates = audit_rows(db, "update")
    assert len(updates) == 2
    by_person = {a.summary: a for a in updates}
    assert by_person[rows[3][1]].after == {"address": "新地址100號"}
    assert set(by_person["改名字"].after) == {"name", "village_id"}
    assert by_person["改名字"].before["name"] == person_rows(10)[4][1]
    person = db.session.scalar(sa.select(Person).where(Person.id_number == rows[4][0]))
    db.session.refresh(person)
    assert person.name == "改名字" and person.village.code == "64000130024"


def test_blank_optional_cells_do_not_erase(db, tmp_path, make_person):
    person = make_person(phone="07-6411111", address="舊址1號", neighbourhood=4)
    row = [person.id_number, person.name, "039/05/18", person.village.name_zh, "", "", "", ""]
    result = import_file(write_csv(tmp_path / "a.csv", [row]))
    assert result.updated == 1  # the birth date differs; nothing else was given
    db.session.refresh(person)
    assert (person.phone, person.address, person.neighbourhood) == ("07-6411111", "舊址1號", 4)
    assert person.birth_date == date(1950, 5, 18)


def test_rejected_rows_are_reported_and_not_written(db, tmp_path):
    good = person_rows(3)
    bad = [
        ["A123456788", "檢查碼錯", "0491231", "東林里", "1", "x"],
        [good[0][0], "重複的人", "0491231", "東林里", "1", "x"],
        [idno.generate(), "外地人", "0491231", "台北里", "1", "x"],
        [idno.generate(), "", "114/02/30", "東林里", "100", "x"],
        [idno.generate(), "未來人", "2999-01-01", "東林里", "1", "x"],
    ]
    result = import_file(write_csv(tmp_path / "a.csv", good + bad))
    assert (result.rows, result.valid, result.created) == (8, 3, 3)
    by_row = {}
    for e in result.errors:
        by_row.setdefault(e["row"], {})[e["field"]] = e["message"]
    assert "check digit" in by_row[5]["id_number"]
    assert "row 2" in by_row[6]["id_number"]
    assert "台北里" in by_row[7]["village"]
    assert set(by_row[8]) == {"name", "birth_date", "neighbourhood"}
    assert "future" in by_row[9]["birth_date"]
    assert count(db, Person, Person.name.in_(["檢查碼錯", "重複的人", "外地人", "未來人"])) == 0


def test_missing_columns_is_one_file_error(db, tmp_path):
    path = write_csv(tmp_path / "a.csv", [["E1", "王"]], headers=["身分證字號", "姓名"])
    result = import_file(path)
    assert result.file_error and len(result.errors) == 1
    assert result.errors[0]["row"] == 1 and result.errors[0]["field"] is None
    for column in ("出生日期", "里", "鄰", "地址"):
        assert column in result.file_error


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp950"])
def test_csv_encodings(db, tmp_path, encoding):
    rows = person_rows(5, seed=encoding.__hash__() % 1000)
    result = import_file(write_csv(tmp_path / "a.csv", rows, encoding=encoding))
    assert result.created == 5 and not result.errors
    names = db.session.scalars(sa.select(Person.name).where(
        Person.id_number.in_([r[0] for r in rows]))).all()
    assert sorted(names) == sorted(r[1] for r in rows)


def test_xlsx_with_real_dates_numbers_and_english_headers(db, tmp_path):
    a, b, c = (idno.generate(sex="F") for _ in range(3))
    path = write_xlsx(tmp_path / "a.xlsx", [
        [a, "王美麗", datetime(1950, 5, 17), "Donglin Village", 3, "林園北路1號", 912345678],
        [b, "李秀英", 1141015, 64000130002, 5.0, "林園北路2號", "07-6411111"],
        [c, "陳玉珠", "039/05/17", "溪州", None, "", None],
    ], headers=["pid", "name", "birthday", "village", "neighborhood", "address", "phone"],
        title_rows=["林園區 戶籍資料"])
    result = import_file(path)
    assert result.created == 3 and not result.errors
    people = {p.id_number: p for p in db.session.scalars(
        sa.select(Person).where(Person.id_number.in_([a, b, c])))}
    assert people[a].birth_date == date(1950, 5, 17) and people[a].mobile == "0912345678"
    assert people[b].birth_date == date(2025, 10, 15) and people[b].village.name_zh == "林園里"
    assert people[b].neighbourhood == 5 and people[a].sex == "F"


def test_full_width_and_lower_case_ids_match_existing(db, tmp_path, make_person):
    person = make_person()
    wide = "".join(chr(ord(ch) + 0xFEE0) for ch in person.id_number.lower())
    row = [wide, person.name, "039/05/17", person.village.name_zh, "3", person.address]
    result = import_file(write_csv(tmp_path / "a.csv", [row], headers=HEADERS_ZH[:6]))
    assert (result.created, result.unchanged) == (0, 1)


def test_write_is_all_or_nothing(db, tmp_path, monkeypatch):
    """A database error in the middle of the people (the third batch on SQLite) leaves
    nothing written, not even the rows before it."""
    rows = person_rows(9)
    original = importer_write._person_row
    calls = []

    def failing(data, now):
        calls.append(1)
        row = original(data, now)
        if len(calls) == 7:
            row["sex"] = "X"  # breaks the sex check constraint in the database
        return row

    monkeypatch.setattr(importer_write, "CHUNK", 3)
    monkeypatch.setattr(importer_write, "_person_row", failing)
    people, audits = count(db, Person), count(db, AuditLog)
    with pytest.raises((sa.exc.IntegrityError, psycopg.IntegrityError)):
        import_file(write_csv(tmp_path / "a.csv", rows))
    assert count(db, Person) == people and count(db, AuditLog) == audits


def test_failure_after_people_and_audit_rows_rolls_everything_back(db, tmp_path, monkeypatch):
    def broken(new_ids):
        assert count(db, Person) >= len(new_ids) == 5  # written, not yet committed
        raise RuntimeError("disk full")

    monkeypatch.setattr(importer_write, "_flag_duplicates", broken)
    people, audits = count(db, Person), count(db, AuditLog)
    with pytest.raises(RuntimeError):
        import_file(write_csv(tmp_path / "a.csv", person_rows(5)))
    assert count(db, Person) == people and count(db, AuditLog) == audits


def test_new_people_are_flagged_as_possible_duplicates(db, tmp_path, make_person):
    twin = make_person(name="林阿花", birth_date=date(1944, 2, 2))
    neighbour = make_person(name="陳淑美", address="王公路8號")
    rows = [
        [idno.generate(), "林阿花", "330202", twin.village.name_zh, "1", "別處1號"],
        [idno.generate(), "陳淑英", "400101", neighbour.village.name_zh, "1", "王公路8號"],
        [idno.generate(), "張三", "400101", neighbour.village.name_zh, "1", "王公路9號"],
    ]
    import_file(write_csv(tmp_path / "a.csv", rows, headers=HEADERS_ZH[:6]))
    flags = db.session.scalars(sa.select(DuplicateFlag)).all()
    reasons = {f.reason: {f.person_a_id, f.person_b_id} for f in flags}
    assert len(flags) == 2
    assert twin.id in reasons["name_birth"] and neighbour.id in reasons["similar_name_address"]


def test_village_limited_staff_cannot_import_other_villages(db, tmp_path, make_user, villages,
                                                            make_person):
    clerk = make_user("staff", villages=[villages[0]])
    elsewhere = make_person(village=villages[5])
    rows = [
        [idno.generate(), "本里人", "400101", villages[0].name_zh, "1", "x"],
        [idno.generate(), "外里人", "400101", villages[1].name_zh, "1", "x"],
        [elsewhere.id_number, "搬來", "400101", villages[0].name_zh, "1", "x"],
    ]
    result = import_file(write_csv(tmp_path / "a.csv", rows, headers=HEADERS_ZH[:6]),
                         actor=clerk)
    assert (result.valid, result.created) == (1, 1)
    assert [e["row"] for e in result.errors] == [3, 4]
    db.session.refresh(elsewhere)
    assert elsewhere.name != "搬來"
