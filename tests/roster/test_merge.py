"""Merging two records of one person carries every row that names the merged one (found
generically through the metadata's foreign keys to people), refuses what is a supervisor's
money question, and an admin's undo puts everything back."""

import uuid
from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import login
from welfare.aid.demo import ensure_causes
from welfare.aid.models import AidCase, AidCause
from welfare.auth.models import AuditLog
from welfare.delivery.models import DeliveryEvent, DeliveryStop
from welfare.errors import ServiceError
from welfare.extensions import db as _db
from welfare.inquiries.demo import ensure_topics
from welfare.inquiries.models import Inquiry, InquiryTopic
from welfare.roster import services
from welfare.roster.models import (
    DuplicateFlag,
    EmergencyContact,
    Household,
    HouseholdMember,
    HouseholdMove,
    InstitutionStay,
    IsolatedElder,
    LowIncomeStatus,
    PersonMerge,
)
from welfare.rounds import services as round_services
from welfare.rounds.models import BankAccount, RoundEntry
from welfare.visits.models import Visit, Volunteer

# Columns naming a person that stay on the merged record by design: the merge's own records.
HISTORY = {"people.merged_into_id", "duplicate_flags.person_a_id", "duplicate_flags.person_b_id",
           "person_merges.kept_id", "person_merges.merged_id"}


def person_columns():
    """Every column holding a person's id: the foreign keys to people.id, and the round
    entries' snapshot column (no foreign key by design)."""
    found = [fk.parent for table in _db.metadata.tables.values()
             for fk in table.foreign_keys if fk.column.table.name == "people"]
    found.append(RoundEntry.__table__.c.person_id)
    return [c for c in found if f"{c.table.name}.{c.name}" not in HISTORY]


def rows_naming(person_id):
    """{table.column: ids of rows naming the person}, for every person column."""
    found = {}
    for column in person_columns():
        ids = _db.session.scalars(sa.select(column.table.c.id).where(column == person_id)).all()
        if ids:
            found[f"{column.table.name}.{column.name}"] = sorted(ids)
    return found


def pair(db, keep, other):
    a, b = sorted((keep.id, other.id))
    flag = DuplicateFlag(person_a_id=a, person_b_id=b, reason="name_birth")
    db.session.add(flag)
    db.session.flush()
    return flag


def approved_round(db, make_user, name):
    staff, supervisor = make_user("staff"), make_user("supervisor")
    today = date.today()
    data = round_services.new_round_data("double_ninth", today.year)
    data.update({"name": name, "payout_start": today - timedelta(days=5),
                 "payout_end": today + timedelta(days=5), "late_claim_end": None})
    round_ = round_services.create_round(data, actor=staff)
    round_services.freeze_round(round_, actor=staff)
    round_services.approve_round(round_, actor=supervisor)
    return round_


@pytest.fixture
def loaded(db, make_person, make_user):
    """`other` has one row of every kind; `keep` (too young for the round) has none."""
    staff = make_user("staff")
    keep = make_person(name="王小明", birth_date=date(1990, 1, 1), phone="")
    other = make_person(name="王小明", birth_date=date(1940, 2, 3), phone="076412345")
    approved_round(db, make_user, "重陽合併測試")
    household = Household(village_id=other.village_id, address="林園北路244號")
    db.session.add(household)
    db.session.flush()
    household.head_id = other.id
    db.session.add_all([
        HouseholdMember(household_id=household.id, person_id=other.id),
        HouseholdMove(person_id=other.id, to_household_id=household.id, source="test"),
        LowIncomeStatus(household_id=household.id, kind="low", certified_from=date(2026, 1, 1),
                        certified_until=date(2026, 12, 31)),
        BankAccount(person_id=other.id, bank="post_office", account_number="12345678901234",
                    holder_name=other.name),
    ])
    db.session.add(InstitutionStay(person_id=other.id, institution="仁愛之家",
                                   started_on=date(2025, 1, 1)))
    elder = IsolatedElder(person_id=other.id, care_level=2)
    volunteer = Volunteer(user_id=make_user("volunteer").id, name="志工")
    db.session.add_all([elder, volunteer])
    db.session.flush()
    db.session.add_all([
        EmergencyContact(elder_id=elder.id, name="王大明", phone="0912000111"),
        Visit(uuid=str(uuid.uuid4()), content_hash="0" * 64, elder_id=elder.id,
              volunteer_id=volunteer.id, recorded_by_id=volunteer.user_id, kind="home_visit",
              outcome="met_well", visited_at=datetime.now() - timedelta(days=1)),
    ])
    event = DeliveryEvent(name="歲末送溫情", event_date=date.today(), created_by_id=staff.id)
    db.session.add(event)
    db.session.flush()
    db.session.add(DeliveryStop(event_id=event.id, person_id=other.id, kind="low",
                                recipient_name=other.name, village_id=other.village_id))
    ensure_causes()
    cause = db.session.scalars(sa.select(AidCause)).first()
    db.session.add(AidCase(applicant_name=other.name, person_id=other.id,
                           village_id=other.village_id, cause_id=cause.id, what_happened="火災",
                           happened_on=date(2026, 12, 1), applied_on=date(2026, 12, 1),
                           created_by_id=staff.id))
    ensure_topics()
    topic = db.session.scalars(sa.select(InquiryTopic)).first()
    db.session.add(Inquiry(channel="phone", topic_id=topic.id, text="問題", owner_id=staff.id,
                           created_by_id=staff.id, received_on=date.today(),
                           due_on=date.today() + timedelta(days=7), person_id=other.id))
    db.session.flush()
    return keep, other, pair(db, keep, other), elder


EVERY_KIND = {"household_members.person_id", "households.head_id", "household_moves.person_id",
              "isolated_elders.person_id", "gift_bank_accounts.person_id",
              "gift_round_entries.person_id", "delivery_stops.person_id", "aid_cases.person_id",
              "inquiries.person_id", "institution_stays.person_id"}


def test_merge_carries_every_kind_and_leaves_nothing_on_the_merged_record(db, loaded, make_user):
    keep, other, flag, elder = loaded
    before = rows_naming(other.id)
    # Every column naming a person is known here (a new one fails until a domain moves it on
    # merge and this list names it), and the fixture fills each one.
    assert {f"{c.table.name}.{c.name}" for c in person_columns()} == EVERY_KIND
    assert set(before) == EVERY_KIND
    actor = make_user("staff")
    merge = services.merge_duplicate(flag, keep, actor=actor)
    assert rows_naming(other.id) == {}
    after = rows_naming(keep.id)
    for key, ids in before.items():
        assert set(ids) <= set(after[key]), key
    assert merge.moves["filled"] == ["phone"] and keep.phone == "076412345"
    assert other.merged_into_id == keep.id and flag.status == "merged"
    # Visits, contacts and the household's low-income status travel with their parents.
    assert keep.elder.id == elder.id and len(keep.elder.contacts) == 1
    assert db.session.scalar(sa.select(Visit.elder_id)) == elder.id
    assert keep.household.current_status(date(2026, 6, 1)).kind == "low"
    actions = db.session.scalars(sa.select(AuditLog.action).where(
        AuditLog.action.in_(("merge", "merged_into")))).all()
    assert sorted(actions) == ["merge", "merged_into"]


def test_undo_puts_everything_back(db, loaded, make_user):
    keep, other, flag, _elder = loaded
    before_other, before_keep = rows_naming(other.id), rows_naming(keep.id)
    merge = services.merge_duplicate(flag, keep, actor=make_user("staff"))
    services.undo_merge(merge, actor=make_user("admin"))
    assert rows_naming(other.id) == before_other
    assert rows_naming(keep.id) == before_keep
    assert keep.phone == "" and other.merged_into_id is None
    assert flag.status == "open" and merge.undone_at is not None
    assert db.session.scalar(sa.select(AuditLog.action).where(
        AuditLog.action == "undo_merge")) == "undo_merge"
    with pytest.raises(ServiceError):
        services.undo_merge(merge, actor=make_user("admin"))


def test_same_household_keeps_one_membership_and_undo_restores_the_other(
        db, make_person, make_user):
    keep, other = make_person(name="陳一"), make_person(name="陳一")
    household = Household(village_id=keep.village_id, address="x")
    db.session.add(household)
    db.session.flush()
    household.head_id = other.id
    db.session.add_all([HouseholdMember(household_id=household.id, person_id=keep.id),
                        HouseholdMember(household_id=household.id, person_id=other.id,
                                        relationship_to_head="本人")])
    flag = pair(db, keep, other)
    merge = services.merge_duplicate(flag, keep, actor=make_user("staff"))
    assert rows_naming(other.id) == {}
    assert household.head_id == keep.id and len(household.members) == 1
    services.undo_merge(merge, actor=make_user("admin"))
    assert household.head_id == other.id
    assert other.membership.relationship_to_head == "本人"


def test_both_on_one_round_is_refused_and_nothing_moves(db, make_person, make_user):
    keep = make_person(name="林二", birth_date=date(1940, 1, 1))
    other = make_person(name="林二", birth_date=date(1940, 1, 1))
    approved_round(db, make_user, "重陽同輪")
    flag = pair(db, keep, other)
    before = rows_naming(other.id)
    with pytest.raises(ServiceError) as refused:
        services.merge_duplicate(flag, keep, actor=make_user("staff"))
    assert "重陽同輪" in str(refused.value)
    assert rows_naming(other.id) == before and flag.status == "open"
    assert services.merge_refusals(keep, other)


@pytest.mark.parametrize("conflict", ["bank", "elder", "households"])
def test_what_only_one_person_may_hold_twice_is_refused(db, make_person, make_user, conflict):
    keep, other = make_person(name="張三"), make_person(name="張三")
    for person in (keep, other):
        if conflict == "bank":
            db.session.add(BankAccount(person_id=person.id, bank="post_office",
                                       account_number=f"1{person.id:013d}", holder_name="張三"))
        elif conflict == "elder":
            db.session.add(IsolatedElder(person_id=person.id, care_level=1))
        else:
            household = Household(village_id=person.village_id, address=str(person.id))
            db.session.add(household)
            db.session.flush()
            db.session.add(HouseholdMember(household_id=household.id, person_id=person.id))
    db.session.flush()
    with pytest.raises(ServiceError):
        services.merge_duplicate(pair(db, keep, other), keep, actor=make_user("staff"))
    assert other.merged_into_id is None


def test_check_page_then_merge_and_only_an_admin_undoes(client, db, loaded, make_user):
    keep, other, flag, _elder = loaded
    staff = make_user("staff")
    login(client, staff)
    url = f"/duplicates/{flag.id}/merge?keep={keep.id}"
    page = client.get(url)
    assert page.status_code == 200 and "王小明" in page.text
    assert client.post(url, data={}).status_code == 302
    merge = db.session.scalars(sa.select(PersonMerge)).one()
    assert other.merged_into_id == keep.id
    undo = f"/merges/{merge.id}/undo"
    assert client.get(undo).status_code == 403
    assert client.post(undo, data={}).status_code == 403
    assert client.get("/merges").status_code == 403
    assert merge.undone_at is None
    client.post("/logout")
    login(client, make_user("admin"))
    assert "王小明" in client.get("/merges").text
    assert client.get(undo).status_code == 200
    assert client.post(undo, data={}).status_code == 302
    db.session.expire_all()
    assert merge.undone_at is not None and other.merged_into_id is None


@pytest.mark.postgres
def test_two_clerks_merging_one_pair_at_once_merge_it_once(app, committed_db):
    """Each clerk keeps a different record: without the lock both would win (a cycle)."""
    import threading

    from welfare.auth.models import User
    from welfare.geo.models import Village
    from welfare.roster.models import Person

    db = committed_db
    village = db.session.scalar(sa.select(Village))
    people = [Person(id_number=f"A12345678{n}", name="同時", sex="M", birth_date=date(1950, 1, 1),
                     village_id=village.id) for n in (9, 0)]
    clerks = [User(username=f"race-clerk{n}", role="staff", display_name="承辦") for n in (1, 2)]
    for clerk in clerks:
        clerk.set_password("x" * 12)
    db.session.add_all(people + clerks)
    db.session.flush()
    a, b = sorted(p.id for p in people)
    flag = DuplicateFlag(person_a_id=a, person_b_id=b, reason="name_birth")
    db.session.add(flag)
    db.session.commit()
    flag_id, clerk_ids = flag.id, [c.id for c in clerks]
    barrier = threading.Barrier(2)
    results = []

    def merge(keep_id, clerk_id):
        with app.app_context():
            flag = db.session.get(DuplicateFlag, flag_id)
            keep = db.session.get(Person, keep_id)
            actor = db.session.get(User, clerk_id)
            barrier.wait()
            try:
                services.merge_duplicate(flag, keep, actor=actor)
                db.session.commit()
                results.append("merged")
            except ServiceError:
                db.session.rollback()
                results.append("refused")
            finally:
                db.session.remove()

    threads = [threading.Thread(target=merge, args=args)
               for args in ((a, clerk_ids[0]), (b, clerk_ids[1]))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["merged", "refused"]
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PersonMerge)) == 1
    merged = db.session.scalars(sa.select(Person).where(Person.merged_into_id.is_not(None))).all()
    assert len(merged) == 1
