"""A full household export (tests/data/households_full.csv) with its date: the households it
names lose the members it no longer lists (membership ended on the file's date, the person
kept, audited, listed per household); without the date, or with rejected rows, nobody leaves;
households it does not name, change files and frozen household rounds are untouched."""

import io
import shutil
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.rounds.conftest import make_household, make_household_round, make_round  # noqa: F401
from welfare.auth.models import AuditLog
from welfare.roster.feeds import households as households_feed
from welfare.roster.feeds import import_file
from welfare.roster.history import person_events
from welfare.roster.models import Household, HouseholdMember, HouseholdMove, Person
from welfare.rounds.models import RoundEntry

FILE = Path(__file__).resolve().parents[1] / "data" / "households_full.csv"
ON = date(2026, 11, 30)  # the export's date


@pytest.fixture
def english(app):
    with app.test_request_context("/?lang=en"):
        yield


@pytest.fixture
def register(db, make_person, village):
    """The people of the fixture file, and the households on file before it arrives."""
    ids = {"王大明": "S126018151", "李美麗": "E283016618", "王小明": "E118609138",
           "林秀英": "E299603083", "陳志強": "E146281944", "張三": "E219935184",
           "王小華": "E190937862"}
    people = {name: make_person(name=name, id_number=number) for name, number in ids.items()}

    def home(number, head, *members):
        household = Household(household_no=number, village_id=village.id, address=number)
        db.session.add(household)
        db.session.flush()
        for name, relation in ((head, "戶長"), *members):
            db.session.add(HouseholdMember(household_id=household.id,
                                           person_id=people[name].id,
                                           relationship_to_head=relation))
        household.head_id = people[head].id
        return household

    homes = {"E5000001": home("E5000001", "王大明", ("李美麗", "配偶"), ("王小明", "子")),
             "E5000002": home("E5000002", "林秀英", ("陳志強", "子")),
             "E5000003": home("E5000003", "張三")}
    db.session.flush()
    return people, homes


def members(db, number):
    return sorted(db.session.scalars(
        sa.select(Person.name).join(HouseholdMember, HouseholdMember.person_id == Person.id)
        .join(Household, Household.id == HouseholdMember.household_id)
        .where(Household.household_no == number)))


def head(db, number):
    return db.session.scalar(sa.select(Person.name).join(
        Household, Household.head_id == Person.id).where(Household.household_no == number))


def test_a_full_export_takes_out_the_members_it_no_longer_names(db, register, staff_user,
                                                                english):
    people, homes = register
    dry = import_file(FILE, actor=staff_user, end_missing=ON, dry_run=True)
    assert (dry.kind, dry.file_error, dry.ended) == ("households", None, 2)
    assert members(db, "E5000001") == ["李美麗", "王大明", "王小明"]  # a dry run writes nothing
    result = import_file(FILE, actor=staff_user, end_missing=ON)
    assert (result.rows, result.valid, result.created, result.ended) == (4, 4, 1, 2)
    assert result.removed == [{"household_no": "E5000001", "names": ["王小明"]},
                              {"household_no": "E5000002", "names": ["林秀英"]}]
    db.session.expire_all()
    assert members(db, "E5000001") == ["李美麗", "王大明", "王小華"]
    assert members(db, "E5000002") == ["陳志強"]
    assert head(db, "E5000002") == "陳志強"  # the head who left handed over to the file's
    assert members(db, "E5000003") == ["張三"]  # a household the file does not name
    gone = db.session.get(Person, people["王小明"].id)
    assert (gone.status, gone.merged_into_id, gone.membership) == ("registered", None, None)
    [move] = db.session.scalars(sa.select(HouseholdMove).where(
        HouseholdMove.person_id == gone.id)).all()
    assert (move.from_household_id, move.from_household_no, move.to_household_id,
            move.to_household_no, move.relationship_to_head, move.moved_at) == (
        homes["E5000001"].id, "E5000001", None, "", "子", datetime(2026, 11, 30))
    assert "Left household E5000001" in [e.title for e in person_events(gone)]
    audits = db.session.scalars(sa.select(AuditLog).where(
        AuditLog.action == "remove_member").order_by(AuditLog.id)).all()
    assert [a.summary for a in audits] == [
        "王小明 (updated from the household-registration export)",
        "林秀英 (updated from the household-registration export)"]
    assert audits[1].before["head"] is True and audits[0].after["ended_on"] == "2026-11-30"
    assert audits[0].entity_id == homes["E5000001"].id and audits[0].village_id == gone.village_id
    again = import_file(FILE, actor=staff_user, end_missing=ON)
    assert (again.created, again.updated, again.ended, again.removed) == (0, 0, 0, [])


def test_without_the_date_a_household_file_takes_nobody_out(db, register, staff_user):
    result = import_file(FILE, actor=staff_user)
    assert result.ended is None and result.removed == []
    db.session.expire_all()
    assert members(db, "E5000001") == ["李美麗", "王大明", "王小明", "王小華"]
    assert members(db, "E5000002") == ["林秀英", "陳志強"]


def test_rejected_rows_stop_every_removal(db, register, staff_user, tmp_path, english):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(FILE.read_bytes() + "E5000001,A12345,錯誤,子,否\r\n".encode())
    result = import_file(bad, actor=staff_user, end_missing=ON)
    assert result.ended == 0 and result.removed == []
    assert {e["field"] for e in result.errors} == {"id_number", "end_missing"}
    db.session.expire_all()
    assert "王小明" in members(db, "E5000001")


def test_change_files_still_refuse_the_date(db, register, staff_user, tmp_path):
    changes = tmp_path / "changes.csv"
    changes.write_text("身分證字號,異動類別,異動日期\r\nS126018151,住址變更,1151130\r\n",
                       encoding="utf-8")
    result = import_file(changes, actor=staff_user, end_missing=ON)
    assert result.file_error and result.created == result.updated == 0


def test_all_or_nothing(db, register, staff_user, monkeypatch):
    db.session.commit()  # the register is kept; only the import is undone
    real = households_feed.audit.record

    def failing(action, *args, **kwargs):
        if action == "import":  # the last write of the file, after the removals
            raise sa.exc.IntegrityError("insert", {}, Exception("refused"))
        return real(action, *args, **kwargs)

    monkeypatch.setattr(households_feed.audit, "record", failing)
    result = import_file(FILE, actor=staff_user, end_missing=ON)
    assert result.file_error and (result.created, result.updated) == (0, 0)
    db.session.expire_all()
    assert members(db, "E5000001") == ["李美麗", "王大明", "王小明"]
    assert head(db, "E5000002") == "林秀英"
    assert db.session.scalar(sa.select(sa.func.count(HouseholdMove.id))) == 0


def test_a_removed_member_who_heads_nothing_is_still_found(client, db, register, staff_user):
    import_file(FILE, actor=staff_user, end_missing=ON)
    page = client.get("/people?q=王小明")
    assert page.status_code == 200 and "王小明" in page.text
    person = client.get(f"/people/{register[0]['王小明'].id}")
    assert person.status_code == 200 and "王小明" in person.text


def test_a_household_round_frozen_before_is_unchanged(db, make_household, make_household_round,  # noqa: F811
                                                      staff_user, tmp_path):
    household = make_household("low", members=3)
    round_ = make_household_round(status="frozen")
    entry = db.session.scalar(sa.select(RoundEntry).where(
        RoundEntry.round_id == round_.id, RoundEntry.household_id == household.id))
    frozen = (entry.person_id, entry.household_size, entry.amount, list(entry.members))
    stay = [m.person for m in household.members][:2]
    path = tmp_path / "full.csv"
    path.write_text("戶號,身分證字號,稱謂\r\n" + "".join(
        f"{household.household_no},{p.id_number},子\r\n" for p in stay), encoding="utf-8")
    result = import_file(path, actor=staff_user, end_missing=ON)
    assert result.ended == 1
    db.session.expire_all()
    assert len(db.session.get(Household, household.id).members) == 2
    entry = db.session.get(RoundEntry, entry.id)
    assert (entry.person_id, entry.household_size, entry.amount, list(entry.members)) == frozen


def test_web_preview_and_report_list_the_removals_per_household(client, db, register,
                                                                staff_user, tmp_path):
    client.get("/people/import?lang=zh_Hant_TW")
    response = client.post("/people/import", data={
        "kind": "households", "end_missing": "115/11/30",
        "file": (io.BytesIO(FILE.read_bytes()), "戶籍匯出.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.text
    preview = client.get(response.headers["Location"]).text
    line = "自戶號 E5000001 移出：王小明（資料由戶政匯出檔更新）"
    assert line in preview and "115/11/30" in preview
    assert members(db, "E5000001") == ["李美麗", "王大明", "王小明"]
    token = response.headers["Location"].rstrip("/").split("/")[-1]
    assert client.post(f"/people/import/{token}/confirm").status_code == 302
    report = client.get("/people/import/result").text
    assert line in report and "自戶號 E5000002 移出：林秀英（資料由戶政匯出檔更新）" in report
    db.session.expire_all()
    assert members(db, "E5000001") == ["李美麗", "王大明", "王小華"]


def test_cli_prints_the_removals(app, db, register, tmp_path):
    path = tmp_path / FILE.name
    shutil.copy(FILE, path)
    out = app.test_cli_runner().invoke(args=["roster", "import", str(path), "--end-missing",
                                             "115/11/30"])
    assert out.exit_code == 0, out.output
    assert "E5000001" in out.output and "王小明" in out.output
