from datetime import date

import pytest
import sqlalchemy as sa

from welfare.auth.models import AuditLog
from welfare.errors import ServiceError
from welfare.roster import services
from welfare.roster.models import DuplicateFlag, Person


def person_data(village, **overrides):
    data = {
        "id_number": "a123456789", "name": " 王大明 ", "sex": "M",
        "birth_date": date(1950, 1, 2), "indigenous": False, "phone": "07-6412345",
        "mobile": "", "village_id": village.id, "neighbourhood": 5,
        "address": "林園北路244號", "registered_on": date(1980, 1, 1),
        "status": "registered", "status_date": None, "notes": "",
    }
    data.update(overrides)
    return data


def test_create_normalises_and_audits(db, village, make_user):
    actor = make_user("staff")
    person = services.create_person(person_data(village), actor=actor)
    assert person.id_number == "A123456789"
    assert person.name == "王大明"
    row = db.session.scalar(sa.select(AuditLog).where(AuditLog.entity_type == "people",
                                                      AuditLog.entity_id == person.id))
    assert row.action == "create" and row.user_id == actor.id


def test_id_number_unique_in_service_and_database(db, village, make_user):
    actor = make_user("staff")
    services.create_person(person_data(village), actor=actor)
    with pytest.raises(ServiceError) as info:
        services.create_person(person_data(village, name="別人"), actor=actor)
    assert info.value.errors[0][0] == "id_number"
    with pytest.raises(sa.exc.IntegrityError):
        with db.session.begin_nested():
            db.session.add(Person(id_number="A123456789", name="x", sex="M",
                                  birth_date=date(1950, 1, 1), village_id=village.id))
            db.session.flush()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"id_number": "A123456788"}, "id_number"),
        ({"id_number": "12345"}, "id_number"),
        ({"name": "  "}, "name"),
        ({"birth_date": date(2999, 1, 1)}, "birth_date"),
        ({"status": "deceased", "status_date": None}, "status_date"),
        ({"village_id": 99999}, "village_id"),
    ],
)
def test_create_rejects_bad_data(db, village, make_user, overrides, field):
    with pytest.raises(ServiceError) as info:
        services.create_person(person_data(village, **overrides), actor=make_user("staff"))
    assert field in [f for f, _ in info.value.errors]


def test_update_records_before_and_after(db, village, make_user):
    actor = make_user("staff")
    person = services.create_person(person_data(village), actor=actor)
    services.update_person(person, person_data(village, address="林園南路1號"), actor=actor)
    row = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "update",
                                                      AuditLog.entity_id == person.id))
    assert row.before == {"address": "林園北路244號"}
    assert row.after == {"address": "林園南路1號"}


def test_update_without_changes_writes_no_audit(db, village, make_user):
    actor = make_user("staff")
    person = services.create_person(person_data(village), actor=actor)
    services.update_person(person, person_data(village), actor=actor)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(AuditLog).where(
        AuditLog.action == "update", AuditLog.entity_id == person.id))
    assert count == 0


def test_same_name_and_birth_is_flagged(db, village, make_user):
    actor = make_user("staff")
    a = services.create_person(person_data(village), actor=actor)
    b = services.create_person(person_data(village, id_number="F131104093", address=""),
                               actor=actor)
    flag = db.session.scalar(sa.select(DuplicateFlag))
    assert {flag.person_a_id, flag.person_b_id} == {a.id, b.id}
    assert flag.reason == "name_birth"


def test_similar_name_same_address_is_flagged(db, village, make_user):
    actor = make_user("staff")
    services.create_person(person_data(village, name="陳美玲", sex="F",
                                       id_number="A223456781"), actor=actor)
    services.create_person(person_data(village, name="陳美鈴", sex="F", id_number="F131104093",
                                       birth_date=date(1951, 1, 1)), actor=actor)
    flag = db.session.scalar(sa.select(DuplicateFlag))
    assert flag.reason == "similar_name_address"


def test_merge_moves_links_and_hides_the_other(db, village, make_user, make_person):
    actor = make_user("staff")
    keep = make_person(name="李四", phone="")
    other = make_person(name="李四", phone="0912345678")
    services.create_elder(other, {"care_level": 3}, actor=actor)
    flags = services.flag_duplicates(keep)
    services.merge_duplicate(flags[0], keep, actor=actor)
    db.session.flush()
    db.session.refresh(keep)
    assert other.merged_into_id == keep.id
    assert keep.phone == "0912345678"
    assert keep.elder is not None and keep.elder.care_level == 3
    assert flags[0].status == "merged"
    with pytest.raises(ServiceError):
        services.dismiss_duplicate(flags[0], actor=actor)


def test_dismissed_pair_is_not_flagged_again(db, make_user, make_person):
    actor = make_user("staff")
    a = make_person(name="張三")
    make_person(name="張三")
    flag = services.flag_duplicates(a)[0]
    services.dismiss_duplicate(flag, actor=actor)
    assert services.flag_duplicates(a) == []


def test_reveal_is_logged(db, make_user, make_person):
    actor = make_user("staff")
    person = make_person()
    assert services.reveal_id_number(person, actor=actor) == person.id_number
    row = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "view_id"))
    assert row.entity_id == person.id and row.user_id == actor.id


def test_phones_are_stored_as_digits(db, village, make_user):
    person = services.create_person(person_data(village, phone="(07) 641-2345",
                                                mobile="0912 345 678"), actor=make_user("staff"))
    assert (person.phone, person.mobile) == ("076412345", "0912345678")
