"""The households kind (戶籍): a tricky-row corpus judged row by row in every file form, moves
kept in history, one head per household, idempotent re-import and dry runs."""

import pytest
import sqlalchemy as sa

from tests.data.feed_files import FORMS, FULL_WIDTH, bad_checksum, judged, write_feed
from welfare.auth.models import AuditLog
from welfare.core import idno
from welfare.roster.feeds import import_file, recognise
from welfare.roster.history import person_events
from welfare.roster.models import Household, HouseholdMember, HouseholdMove

HEADERS = ["戶號", "身分證字號", "稱謂", "戶長"]


@pytest.fixture(autouse=True)
def english(app):
    with app.test_request_context("/?lang=en"):
        yield


@pytest.fixture
def register(db, make_person, village):
    people = {name: make_person(name=name) for name in (
        "head", "member", "mover", "rel", "loose", "loose2", "loose3", "x", "x2", "y", "z",
        "dup", "new_head", "dead")}
    people["dead"].status = "deceased"

    def home(number, head, *members):
        household = Household(household_no=number, village_id=village.id,
                              address=f"{number} 路")
        db.session.add(household)
        db.session.flush()
        for person, relation in ((head, "戶長"), *members):
            if person is not None:
                db.session.add(HouseholdMember(household_id=household.id,
                                               person_id=people[person].id,
                                               relationship_to_head=relation))
        household.head_id = people[head].id if head else None
        return household

    homes = {"E1000001": home("E1000001", "head", ("member", "子"), ("rel", "")),
             "E1000002": home("E1000002", "mover")}
    home("E3000000", None)
    home("E3000000", None)  # two households with one number: the file cannot say which
    db.session.flush()
    return people, homes


def corpus(register):
    people = register[0]
    p = {k: v.id_number for k, v in people.items()}
    return [
        (["E1000001", p["head"], "戶長", "是"], ("unchanged", None)),
        (["e1000001", p["member"].lower(), "子", "否"], ("unchanged", None)),
        (["E1000001", p["mover"].translate(FULL_WIDTH), "媳", ""], ("update", None)),
        (["E2000001", p["loose"], "戶長", "Y"], ("create", None)),
        (["E2000001", p["loose2"], "配偶", ""], ("create", None)),
        (["E2000001", p["loose3"], "戶長", "是"], ("error", "head")),
        (["E2000001", p["loose2"], "配偶", ""], ("error", "id_number")),
        (["E1000001", p["rel"], "孫", ""], ("update", None)),
        (["", p["x"], "子", ""], ("error", "household_no")),
        (["E10-0001", p["x2"], "子", ""], ("error", "household_no")),
        (["E1000001", bad_checksum(p["x"]), "子", ""], ("error", "id_number")),
        (["E1000001", idno.generate(sex="F"), "子", ""], ("error", "id_number")),
        (["E1000001", p["dead"], "子", ""], ("error", "id_number")),
        (["E1000001", p["y"], "子", "也許"], ("error", "head")),
        (["E1000001", p["z"], "子", "是"], ("error", "head")),  # row 1 names the head
        (["E3000000", p["dup"], "子", ""], ("error", "household_no")),
        (["E1000002", p["new_head"], "戶長", ""], ("create", None)),
    ]


def membership(db, person):
    return db.session.execute(
        sa.select(Household.household_no, HouseholdMember.relationship_to_head)
        .join(Household).where(HouseholdMember.person_id == person.id)).one_or_none()


def head_of(db, number):
    return db.session.scalar(sa.select(Household.head_id).where(
        Household.household_no == number))


@pytest.mark.parametrize("form", FORMS)
def test_corpus_judged_row_by_row(db, register, tmp_path, staff_user, form):
    people, homes = register
    cases = corpus(register)
    path, first = write_feed(tmp_path / "hh", form, HEADERS, [c for c, _ in cases])
    result = import_file(path, actor=staff_user)
    assert result.kind == "households" and result.file_error is None
    errors, rows = judged(result, first, cases)
    for row, (cells, (action, what)) in zip(rows, cases, strict=True):
        if action == "error":
            assert errors.get(row) == {what}, (row, cells, result.errors)
        else:
            assert row not in errors, (row, cells, result.errors)
    db.session.expire_all()
    assert membership(db, people["head"]) == ("E1000001", "戶長")
    assert membership(db, people["member"]) == ("E1000001", "子")
    assert membership(db, people["mover"]) == ("E1000001", "媳")
    assert membership(db, people["rel"]) == ("E1000001", "孫")
    assert membership(db, people["loose"]) == ("E2000001", "戶長")
    assert membership(db, people["loose2"]) == ("E2000001", "配偶")
    assert membership(db, people["loose3"]) is None
    assert membership(db, people["new_head"]) == ("E1000002", "戶長")
    assert head_of(db, "E1000001") == people["head"].id
    assert head_of(db, "E2000001") == people["loose"].id
    assert head_of(db, "E1000002") == people["new_head"].id
    new = db.session.scalar(sa.select(Household).where(Household.household_no == "E2000001"))
    assert (new.village_id, new.address) == (people["loose"].village_id, people["loose"].address)
    [move] = db.session.scalars(sa.select(HouseholdMove).where(
        HouseholdMove.person_id == people["mover"].id)).all()
    assert (move.from_household_no, move.to_household_no, move.from_household_id,
            move.to_household_id) == ("E1000002", "E1000001", homes["E1000002"].id,
                                      homes["E1000001"].id)
    assert (result.rows, result.valid, result.created, result.updated, result.unchanged) == (
        len(cases), 7, 3, 2, 2)


def test_a_move_takes_the_head_along_and_leaves_history(db, register, tmp_path, staff_user):
    people, homes = register
    path, _ = write_feed(tmp_path / "hh", "utf8", HEADERS,
                         [["E1000002", people["head"].id_number, "戶長", "是"]])
    result = import_file(path, actor=staff_user)
    assert (result.updated, result.errors) == (1, [])
    db.session.expire_all()
    assert head_of(db, "E1000001") is None  # the head moved out of it
    assert head_of(db, "E1000002") == people["head"].id  # and heads the other now
    assert membership(db, people["mover"]) == ("E1000002", "戶長")  # as on file
    audits = {a.action for a in db.session.scalars(sa.select(AuditLog).where(
        AuditLog.entity_type == "households"))}
    assert {"remove_member", "add_member", "update", "import"} <= audits
    titles = [e.title for e in person_events(people["head"])]
    assert "Moved from household E1000001 to E1000002" in titles


def test_reimport_changes_nothing_and_dry_run_writes_nothing(db, register, tmp_path,
                                                              staff_user):
    path, _ = write_feed(tmp_path / "hh", "xlsx", HEADERS, [c for c, _ in corpus(register)])

    def state():
        return (sorted(db.session.execute(sa.select(
                    HouseholdMember.person_id, HouseholdMember.household_id,
                    HouseholdMember.relationship_to_head)).all()),
                sorted(db.session.execute(sa.select(Household.id, Household.head_id)).all()),
                db.session.scalar(sa.select(sa.func.count(HouseholdMove.id))),
                db.session.scalar(sa.select(sa.func.count(AuditLog.id))))

    before = state()
    dry = import_file(path, dry_run=True, actor=staff_user)
    assert (dry.created, dry.updated) == (3, 2)
    assert state() == before
    import_file(path, actor=staff_user)
    after = state()
    again = import_file(path, actor=staff_user)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)
    assert state()[:3] == after[:3] and state()[3] == after[3] + 1


def test_one_household_per_head_is_a_database_rule(db, register):
    people, homes = register
    homes["E1000002"].head_id = people["head"].id  # already heads E1000001
    with pytest.raises(sa.exc.IntegrityError, match="uq_households_head|households.head_id"):
        db.session.flush()


def test_recognised(app):
    assert recognise(HEADERS) == "households"
    assert recognise(["household_no", "id_number", "relationship", "head"]) == "households"


def test_web_preview_of_a_household_file(client, db, register, staff_user):
    import io

    people = register[0]
    body = "戶號,身分證字號,稱謂,戶長\r\n" + "\r\n".join([
        f"E1000002,{people['head'].id_number},戶長,是",
        f"E1000001,{people['rel'].id_number},孫,否",
        "E1000001,A12345,子,否"]) + "\r\n"
    client.get("/people/import?lang=en")
    response = client.post("/people/import", data={
        "kind": "", "file": (io.BytesIO(body.encode("utf-8-sig")), "戶籍.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.text
    preview = client.get(response.headers["Location"]).text
    assert "Households (戶籍)" in preview and "memberships that change" in preview
    assert "Household number (戶號)" in preview and "E1000001 → E1000002" in preview.replace(
        "<span class=\"hint\">", "")
    assert "Relationship to head" in preview
    token = response.headers["Location"].rstrip("/").split("/")[-1]
    assert client.post(f"/people/import/{token}/confirm").status_code == 302
    db.session.expire_all()
    assert membership(db, people["head"]) == ("E1000002", "戶長")
