"""The scope mechanism itself: every ORM select, relationship load and Core fast path is
narrowed to the acting user's villages (or a volunteer's elders, a serviceman's routes);
unrestricted() and admins see all; jobs run under their creator's scope."""

from datetime import date

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import NotFound

from welfare.auth import scope
from welfare.delivery.models import DeliveryEvent, DeliveryRoute, DeliveryStop, Vehicle
from welfare.jobs.models import Job
from welfare.jobs.services import enqueue
from welfare.roster.models import IsolatedElder, Person
from welfare.visits.models import Assignment, Volunteer


@pytest.fixture
def two_villages(db, villages, make_person):
    mine, other = villages[0], villages[1]
    here = make_person(name="本里甲", village=mine)
    there = make_person(name="他里乙", village=other)
    return mine, other, here, there


def names(stmt):
    from welfare.extensions import db

    return set(db.session.scalars(stmt))


def test_a_select_of_people_returns_only_the_users_villages(db, make_user, two_villages):
    mine, _other, here, there = two_villages
    clerk = make_user("staff", villages=[mine])
    with scope.acting(clerk):
        found = names(sa.select(Person.name))
        count = db.session.scalar(sa.select(sa.func.count(Person.id)))
        aliased = sa.orm.aliased(Person)
        through_alias = names(sa.select(aliased.name))
    assert "本里甲" in found and "他里乙" not in found
    assert "他里乙" not in through_alias and "本里甲" in through_alias
    with scope.acting(clerk):
        counted = db.session.scalar(sa.select(sa.func.count()).select_from(
            sa.select(Person.id).subquery()))
        both = sa.orm.aliased(Person, sa.select(Person).where(
            Person.id.in_([here.id, there.id])).subquery())
        joined = db.session.scalars(sa.select(both.name)).all()
    assert counted == count and "他里乙" not in joined
    assert count == db.session.scalar(
        sa.select(sa.func.count(Person.id)).where(Person.village_id == mine.id))


def test_two_clerks_of_different_villages_get_different_rows(db, make_user, two_villages):
    # The criteria's village ids are bound values, not baked into a cached statement.
    mine, other, _here, _there = two_villages
    with scope.acting(make_user("staff", villages=[mine])):
        first = names(sa.select(Person.name))
    with scope.acting(make_user("staff", villages=[other])):
        second = names(sa.select(Person.name))
    assert "本里甲" in first and "他里乙" in second
    assert "他里乙" not in first and "本里甲" not in second


def test_unrestricted_and_admins_see_every_village(db, make_user, two_villages):
    mine = two_villages[0]
    with scope.acting(make_user("staff", villages=[mine])):
        with scope.unrestricted():
            everyone = names(sa.select(Person.name))
        assert "他里乙" not in names(sa.select(Person.name))  # restored after the block
    with scope.acting(make_user("admin")):
        by_admin = names(sa.select(Person.name))
    assert {"本里甲", "他里乙"} <= everyone and {"本里甲", "他里乙"} <= by_admin
    assert scope.criteria(Person, scope.for_user(make_user("staff"))) is None


def test_relationship_lazy_loads_are_narrowed(db, make_user, two_villages):
    mine, other, _here, _there = two_villages
    event = DeliveryEvent(name="中秋物資", event_date=date(2026, 9, 1))
    db.session.add(event)
    db.session.flush()
    for village, name in ((mine, "本里戶"), (other, "他里戶")):
        db.session.add(DeliveryStop(event_id=event.id, kind="low", recipient_name=name,
                                    village_id=village.id))
    db.session.flush()
    event_id = event.id
    db.session.expunge_all()
    with scope.acting(make_user("staff", villages=[mine])):
        loaded = db.session.get(DeliveryEvent, event_id)
        assert [s.recipient_name for s in loaded.stops] == ["本里戶"]


def test_get_or_404_checks_objects_already_loaded(db, make_user, two_villages):
    mine, _other, here, there = two_villages  # both are in this session's identity map
    with scope.acting(make_user("staff", villages=[mine])):
        assert scope.get_or_404(Person, here.id) is here
        with pytest.raises(NotFound):
            scope.get_or_404(Person, there.id)


def test_core_statements_narrow_with_criteria(db, make_user, two_villages):
    mine = two_villages[0]
    table = Person.__table__
    with scope.acting(make_user("staff", villages=[mine])):
        clause = scope.criteria(Person)
        rows = db.session.connection().execute(sa.select(table.c.name).where(clause)).scalars()
        assert set(rows) >= {"本里甲"} and "他里乙" not in set(rows)


def test_writes_outside_the_scope_change_nothing(db, make_user, two_villages):
    mine, _other, _here, there = two_villages
    with scope.acting(make_user("staff", villages=[mine])):
        result = db.session.execute(sa.update(Person).where(Person.id == there.id)
                                    .values(notes="改過").execution_options(
                                        synchronize_session=False))
    assert result.rowcount == 0


def test_a_job_runs_under_its_creators_scope(db, make_user, two_villages):
    mine = two_villages[0]
    clerk = make_user("staff", villages=[mine])
    job = enqueue("count_people", "tests.auth.test_scope.count_people_job", actor=clerk)
    expected = db.session.scalar(sa.select(sa.func.count(Person.id))
                                 .where(Person.village_id == mine.id))
    assert db.session.get(Job, job.id).message == str(expected)
    system = enqueue("count_people", "tests.auth.test_scope.count_people_job")
    everyone = db.session.scalar(sa.select(sa.func.count(Person.id)))
    assert db.session.get(Job, system.id).message == str(everyone) != str(expected)


def count_people_job(job_id):
    from welfare.extensions import db

    return {"message": str(db.session.scalar(sa.select(sa.func.count(Person.id))))}


def test_a_volunteer_sees_only_assigned_elders(db, make_user, make_person):
    account = make_user("volunteer")
    volunteer = Volunteer(user_id=account.id, name="志工")
    mine = IsolatedElder(person_id=make_person(name="我的長者").id, care_level=2)
    others = IsolatedElder(person_id=make_person(name="別人的長者").id, care_level=2)
    db.session.add_all([volunteer, mine, others])
    db.session.flush()
    db.session.add(Assignment(elder_id=mine.id, primary_id=volunteer.id))
    db.session.flush()
    with scope.acting(account):
        assert db.session.scalars(sa.select(IsolatedElder.id)).all() == [mine.id]
        assert names(sa.select(Person.name)) == {"我的長者"}


def test_a_serviceman_sees_only_his_routes(db, make_user, villages):
    driver, other_driver = make_user("serviceman"), make_user("serviceman")
    event = DeliveryEvent(name="春節物資", event_date=date(2026, 2, 1))
    db.session.add(event)
    db.session.flush()
    stops = []
    for account, name in ((driver, "他的站"), (other_driver, "別人的站")):
        vehicle = Vehicle(name=account.username, user_id=account.id)
        db.session.add(vehicle)
        db.session.flush()
        route = DeliveryRoute(event_id=event.id, vehicle_id=vehicle.id)
        db.session.add(route)
        db.session.flush()
        stops.append(DeliveryStop(event_id=event.id, kind="low", recipient_name=name,
                                  village_id=villages[0].id, route_id=route.id))
    db.session.add_all(stops)
    db.session.flush()
    with scope.acting(driver):
        assert names(sa.select(DeliveryStop.recipient_name)) == {"他的站"}
        assert len(db.session.scalars(sa.select(DeliveryRoute)).all()) == 1
        assert names(sa.select(Person.name)) == set()


def test_requests_take_the_signed_in_users_scope(client, as_role, two_villages):
    mine, _other, here, there = two_villages
    as_role("staff", villages=[mine])
    assert client.get(f"/people/{here.id}").status_code == 200
    assert client.get(f"/people/{there.id}").status_code == 404
    assert scope.current() is scope.ALL  # outside the request again


def test_audit_rows_about_people_carry_and_keep_their_village(db, client, as_role, make_user,
                                                            two_villages):
    from welfare.auth import audit
    from welfare.auth.models import AuditLog

    mine, other, here, there = two_villages
    audit.record("edit", entity=here, summary="本里甲 改地址")
    audit.record("edit", entity=there, summary="他里乙 改地址")
    audit.record("edit", entity_type="people", entity_id=there.id, summary="他里乙 無里別")
    audit.record("create", entity_type="gift_rounds", entity_id=1, summary="中秋禮金")
    db.session.flush()
    assert db.session.scalar(sa.select(AuditLog.village_id).where(
        AuditLog.summary == "他里乙 改地址")) == other.id
    as_role("staff", villages=[mine])
    page = client.get("/audit").text
    assert "本里甲 改地址" in page and "中秋禮金" in page
    assert "他里乙" not in page

