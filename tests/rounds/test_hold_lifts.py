"""Lifting a wrong hold: a supervisor with a reason, the hold kept on record, the entry payable
again; the database refuses a lift without a reason, by a clerk, or of an entry not held."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from welfare.auth.models import AuditLog
from welfare.errors import ServiceError
from welfare.roster.feeds.signals import StatusEvent
from welfare.rounds import feeds, lifts, payouts
from welfare.rounds.amend_models import HoldLift
from welfare.rounds.models import RoundEntry

DIED = date.today() - timedelta(days=3)


@pytest.fixture
def held(db, approved_round, elders, make_user):
    """The ninety-year-old's entry, held by an imported death that the register then undid."""
    staff = make_user("staff")
    person = elders["ninety"]
    feeds.hold_for_changes(staff, [StatusEvent(person.id, "death", DIED)])
    entry = db.session.scalar(sa.select(RoundEntry).where(
        RoundEntry.round_id == approved_round.id, RoundEntry.person_id == person.id))
    db.session.refresh(entry)
    assert entry.hold == "deceased"
    return entry, person, staff


def test_a_supervisor_lifts_with_a_reason_and_the_entry_is_paid(db, held, make_user):
    entry, person, staff = held
    boss = make_user("supervisor")
    assert lifts.lift_problem(entry) is None  # the register says registered
    lift = lifts.lift_hold(entry, "戶政事務所 更正死亡登記", actor=boss)
    db.session.refresh(entry)
    assert entry.hold is None and entry.hold_on is None
    assert (lift.hold, lift.hold_on, lift.lifted_by_id) == ("deceased", DIED, boss.id)
    assert [x.id for x in lifts.lifts_of(entry.id)] == [lift.id]
    log = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "lift_hold"))
    assert log.user_id == boss.id and log.village_id == entry.village_id
    assert log.before["hold"] == "deceased"
    payout = payouts.record_payout(entry, "elder", actor=staff, on=date.today())
    assert payout.amount == entry.amount


def test_refusals(db, held, make_user):
    entry, person, staff = held
    boss = make_user("supervisor")
    with pytest.raises(ServiceError):
        lifts.lift_hold(entry, "wrong", actor=staff)
    with pytest.raises(ServiceError) as error:
        lifts.lift_hold(entry, "   ", actor=boss)
    assert error.value.errors[0][0] == "reason"
    person.status, person.status_date = "deceased", DIED
    db.session.flush()
    with pytest.raises(ServiceError, match="仍登記"):
        lifts.lift_hold(entry, "asked by the family", actor=boss)
    person.status, person.status_date = "registered", None
    db.session.flush()
    lifts.lift_hold(entry, "corrected", actor=boss)
    db.session.refresh(entry)
    with pytest.raises(ServiceError, match="未暫緩"):
        lifts.lift_hold(entry, "again", actor=boss)


def test_the_database_guards_the_lift(db, held, make_user):
    entry, _person, staff = held
    boss = make_user("supervisor")

    def lift(**overrides):
        values = {"round_id": entry.round_id, "entry_id": entry.id, "hold": "deceased",
                  "reason": "corrected", "lifted_by_id": boss.id} | overrides
        with db.session.begin_nested():
            db.session.add(HoldLift(**values))
            db.session.flush()

    for bad in ({"reason": "  "}, {"lifted_by_id": staff.id}, {"hold": "moved_out"}):
        with pytest.raises(IntegrityError):
            lift(**bad)
    db.session.refresh(entry)
    assert entry.hold == "deceased"
    lift()
    db.session.refresh(entry)
    assert entry.hold is None
    with pytest.raises(IntegrityError):
        lift()  # nothing left to lift
    assert len(lifts.lifts_of(entry.id)) == 1


def test_a_closed_round_keeps_its_holds(db, held, make_user):
    from welfare.rounds import services

    entry, _person, staff = held
    services.close_round(entry.round, actor=staff, today=date.today(), early=True)
    with pytest.raises(ServiceError, match="已結案"):
        lifts.lift_hold(entry, "corrected", actor=make_user("supervisor"))
