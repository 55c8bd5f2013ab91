"""Two supervisors lifting one hold at once, and a payout waiting on a lift (PostgreSQL, real
commits): one lift row per hold, and the payout sees the committed lift."""

import threading
import time
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from welfare.auth.models import User
from welfare.core import idno
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.roster.feeds.signals import StatusEvent
from welfare.roster.models import Person
from welfare.rounds import feeds, lifts, payouts, queries, services
from welfare.rounds.amend_models import HoldLift
from welfare.rounds.models import Payout, RoundEntry

DIED = date.today() - timedelta(days=1)


def _setup():
    village = db.session.scalar(sa.select(Village).order_by(Village.code))
    users = []
    for name, role in (("lift-clerk", "staff"), ("lift-boss", "supervisor"),
                       ("lift-boss2", "supervisor"), ("lift-boss3", "supervisor")):
        user = User(username=name, role=role, display_name=name)
        user.set_password(PASSWORD)
        users.append(user)
    person = Person(id_number=idno.generate(), name="誤報亡者", sex="F",
                    birth_date=date(1940, 1, 1), village_id=village.id, address="x")
    db.session.add_all([*users, person])
    db.session.flush()
    clerk, boss, *others = users
    today = date.today()
    data = services.new_round_data("double_ninth", today.year) | {
        "name": "lift race", "payout_start": today - timedelta(days=1),
        "payout_end": today + timedelta(days=1), "late_claim_end": today + timedelta(days=2)}
    round_ = services.create_round(data, actor=clerk)
    services.freeze_round(round_, actor=clerk)
    services.approve_round(round_, actor=boss)
    feeds.hold_for_changes(clerk, [StatusEvent(person.id, "death", DIED)])
    db.session.commit()
    entry_id = db.session.scalar(sa.select(RoundEntry.id).where(
        RoundEntry.round_id == round_.id, RoundEntry.person_id == person.id))
    return round_.id, entry_id, clerk.id, [boss.id, *(u.id for u in others)]


def _lift(app, entry_id, boss_id, results, before_write=None, before_commit=None):
    with app.app_context():
        try:
            entry = db.session.get(RoundEntry, entry_id)
            assert entry.hold == "deceased"
            if before_write:
                before_write()
            lifts.lift_hold(entry, f"corrected ({boss_id})", actor=db.session.get(User, boss_id))
            if before_commit:
                before_commit()
            db.session.commit()
            results.append("lifted")
        except ServiceError as exc:
            db.session.rollback()
            results.append(("refused", str(exc)))
        finally:
            db.session.remove()


@pytest.mark.postgres
def test_simultaneous_lifts_leave_one_lift(app, committed_db):
    _round_id, entry_id, _clerk_id, bosses = _setup()
    results, barrier = [], threading.Barrier(len(bosses))
    threads = [threading.Thread(target=_lift, args=(app, entry_id, boss, results),
                                kwargs={"before_write": barrier.wait}) for boss in bosses]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert results.count("lifted") == 1, results
    assert all("剛剛已解除" in r[1] for r in results if r != "lifted"), results
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(HoldLift.id))
                             .where(HoldLift.entry_id == entry_id)) == 1
    assert db.session.scalar(sa.select(RoundEntry.hold).where(RoundEntry.id == entry_id)) is None


@pytest.mark.postgres
def test_a_payout_waiting_on_a_lift_goes_through_once_it_commits(app, committed_db):
    round_id, entry_id, clerk_id, bosses = _setup()
    results, written, release = [], threading.Event(), threading.Event()
    lift = threading.Thread(target=_lift, args=(app, entry_id, bosses[0], results),
                            kwargs={"before_commit": lambda: (written.set(), release.wait(10))})
    lift.start()
    assert written.wait(10)

    def pay():
        with app.app_context():
            try:
                # As read before the lift committed, less the hold: the counter's check passes
                # and the database's trigger decides.
                claim = SimpleNamespace(**queries.claim(round_id, entry_id)._mapping)
                claim.hold = None
                payouts.record_claim(claim, "elder",
                                     actor=db.session.get(User, clerk_id))
                db.session.commit()
                results.append("paid")
            except ServiceError as exc:
                db.session.rollback()
                results.append(("refused", str(exc)))
            finally:
                db.session.remove()

    payer = threading.Thread(target=pay)
    payer.start()  # the trigger's FOR SHARE waits for the entry row the lift has updated
    time.sleep(0.5)
    assert payer.is_alive(), "the payout must wait for the lift"
    release.set()
    lift.join(10)
    payer.join(10)
    assert sorted(map(str, results)) == ["lifted", "paid"], results
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(Payout.id)).where(
        Payout.entry_id == entry_id, Payout.reversed_at.is_(None))) == 1
