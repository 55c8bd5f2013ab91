"""The elders kind (獨居老人名冊): a tricky-row corpus judged row by row in every file form,
several emergency contacts per elder, idempotent re-import and dry runs."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.data.feed_files import (
    FORMS,
    FULL_WIDTH,
    bad_checksum,
    judged,
    roc,
    spreadsheet_cell,
    write_feed,
)
from welfare.auth.models import AuditLog
from welfare.core import idno
from welfare.roster.feeds import import_file, recognise
from welfare.roster.models import EmergencyContact, IsolatedElder

HEADERS = ["身分證字號", "照顧等級", "評估日期", "評估人", "居住狀況", "緊急聯絡人",
           "緊急聯絡人電話", "緊急聯絡人2", "緊急聯絡人電話2"]


@pytest.fixture(autouse=True)
def english(app):
    with app.test_request_context("/?lang=en"):
        yield


@pytest.fixture
def register(db, make_person):
    people = {name: make_person(name=name) for name in (
        "new", "existing", "same", "b1", "b2", "b3", "b4", "b5", "b6", "moved", "l2")}
    people["moved"].status = "moved_out"
    existing = IsolatedElder(person_id=people["existing"].id, care_level=2,
                             assessed_on=date(2024, 9, 1), assessor="社工乙")
    same = IsolatedElder(person_id=people["same"].id, care_level=1,
                         assessed_on=date(2025, 1, 1))
    db.session.add_all([existing, same])
    db.session.flush()
    db.session.add(EmergencyContact(elder_id=existing.id, name="王大明", phone="0912345678"))
    db.session.flush()
    return people


def corpus(people):
    p = {k: v.id_number for k, v in people.items()}
    future = roc(date.today() + timedelta(days=30))
    blank4 = ["", "", "", ""]
    return [
        ([p["new"], "3", "114/10/01", "社工甲", "獨居", "陳小華(女兒)；林阿明",
          "0912000111；07-6411111", "", ""], ("create", "new")),
        ([p["existing"].lower(), "第4級", "2025-09-30", "", "", "王大明", "0912-345-678",
          "李四", "0933111222"], ("update", "existing")),
        ([p["same"].translate(FULL_WIDTH), "一級", "1140101", "", "", *blank4],
         ("unchanged", "same")),
        ([p["b1"], "5", "114/10/01", "", "", *blank4], ("error", "care_level")),
        ([p["b2"], "", "114/10/01", "", "", *blank4], ("error", "care_level")),
        ([p["b3"], "2", "114/13/01", "", "", *blank4], ("error", "assessed_on")),
        ([p["b4"], "2", future, "", "", *blank4], ("error", "assessed_on")),
        ([p["b5"], "2", "", "", "", "甲；乙", "0912000111", "", ""],
         ("error", "contact_phone_1")),
        ([p["b6"], "2", "", "", "", "丙", "abc", "", ""], ("error", "contact_phone_1")),
        ([bad_checksum(p["b1"]), "2", "", "", "", *blank4], ("error", "id_number")),
        ([idno.generate(sex="M"), "2", "", "", "", *blank4], ("error", "id_number")),
        ([p["new"], "2", "", "", "", *blank4], ("error", "id_number")),
        ([p["moved"], "2", "", "", "", *blank4], ("error", "id_number")),
        ([p["l2"], "L2", "民國114年9月1日", "", "", "", "", "張三", "0911222333"],
         ("create", "l2")),
    ]


def elder(db, person):
    record = db.session.scalar(sa.select(IsolatedElder).where(
        IsolatedElder.person_id == person.id))
    if record is None:
        return None
    contacts = sorted((c.name, c.relation, c.phone) for c in db.session.scalars(
        sa.select(EmergencyContact).where(EmergencyContact.elder_id == record.id)))
    return record.care_level, record.assessed_on, record.assessor, record.living_situation, \
        contacts


@pytest.mark.parametrize("form", FORMS)
def test_corpus_judged_row_by_row(db, register, tmp_path, staff_user, form):
    cases = corpus(register)
    path, first = write_feed(tmp_path / "elders", form, HEADERS, [c for c, _ in cases],
                             cell=spreadsheet_cell)
    result = import_file(path, actor=staff_user)
    assert result.kind == "elders" and result.file_error is None
    errors, rows = judged(result, first, cases)
    for row, (cells, (action, what)) in zip(rows, cases, strict=True):
        if action == "error":
            assert errors.get(row) == {what}, (row, cells, result.errors)
        else:
            assert row not in errors, (row, cells, result.errors)
    db.session.expire_all()
    assert elder(db, register["new"]) == (3, date(2025, 10, 1), "社工甲", "獨居", [
        ("林阿明", "", "07-6411111"), ("陳小華", "女兒", "0912000111")])
    assert elder(db, register["existing"]) == (4, date(2025, 9, 30), "社工乙", "", [
        ("李四", "", "0933111222"), ("王大明", "", "0912345678")])
    assert elder(db, register["same"]) == (1, date(2025, 1, 1), "", "", [])
    assert elder(db, register["l2"]) == (2, date(2025, 9, 1), "", "", [
        ("張三", "", "0911222333")])
    assert elder(db, register["b1"]) is None
    assert (result.rows, result.valid, result.created, result.updated, result.unchanged) == (
        len(cases), 4, 2, 1, 1)


def test_reimport_changes_nothing_and_dry_run_writes_nothing(db, register, tmp_path,
                                                              staff_user):
    path, _ = write_feed(tmp_path / "elders", "big5", HEADERS, [c for c, _ in corpus(register)])

    def state():
        return ({p: elder(db, person) for p, person in register.items()},
                db.session.scalar(sa.select(sa.func.count(AuditLog.id))))

    before = state()
    dry = import_file(path, dry_run=True, actor=staff_user)
    assert (dry.created, dry.updated) == (2, 1)
    assert state() == before
    import_file(path, actor=staff_user)
    after = state()
    again = import_file(path, actor=staff_user)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert state()[0] == after[0] and state()[1] == after[1] + 1


def test_recognised(app):
    assert recognise(HEADERS) == "elders"
    assert recognise(["id_number", "care_level", "contact_name", "contact_phone"]) == "elders"
