"""A payout at the counter racing a registry import's hold (PostgreSQL, real commits): the
database lets exactly one of them win, never a paid entry that is also held."""

import threading
import time
from datetime import date, timedelta

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
from welfare.rounds import feeds, payouts, queries, services
from welfare.rounds.models import Payout, RoundEntry
from welfare.rounds.rules import PAID_OUTCOMES

PEOPLE = 12
DIED = date.today() - timedelta(days=1)


def _setup():
    village = db.session.scalar(sa.select(Village).order_by(Village.code))
    clerk = User(username="race-clerk", role="staff", display_name="clerk")
    clerk.set_password(PASSWORD)
    boss = User(username="race-boss", role="supervisor", display_name="boss")
    boss.set_password(PASSWORD)
    people = [Person(id_number=idno.generate(), name=f"賽跑{i}", sex="F",
                     birth_date=date(1940, 1, 1 + i), village_id=village.id, address="x")
              for i in range(PEOPLE)]
    db.session.add_all([clerk, boss, *people])
    db.session.flush()
    today = date.today()
    data = services.new_round_data("double_ninth", today.year) | {
        "name": "hold race", "payout_start": today - timedelta(days=1),
        "payout_end": today + timedelta(days=1), "late_claim_end": today + timedelta(days=2)}
    round_ = services.create_round(data, actor=clerk)
    services.freeze_round(round_, actor=clerk)
    services.approve_round(round_, actor=boss)
    db.session.commit()
    entries = db.session.execute(sa.select(RoundEntry.id, RoundEntry.person_id)
                                 .where(RoundEntry.round_id == round_.id)
                                 .order_by(RoundEntry.id)).all()
    assert len(entries) == PEOPLE
    return round_.id, clerk.id, entries


def _pay(app, round_id, entry_id, clerk_id, results, before_write=None, before_commit=None):
    with app.app_context():
        try:
            claim = queries.claim(round_id, entry_id)
            assert claim.hold is None
            if before_write:
                before_write()
            payouts.record_claim(claim, "elder", actor=db.session.get(User, clerk_id))
            if before_commit:
                before_commit()
            db.session.commit()
            results.append("paid")
        except ServiceError as exc:
            db.session.rollback()
            results.append(("refused", str(exc)))
        finally:
            db.session.remove()


def _hold(app, person_id, clerk_id, results, before_write=None, before_commit=None):
    with app.app_context():
        try:
            if before_write:
                before_write()
            held = feeds.hold_for_changes(db.session.get(User, clerk_id),
                                          events=[StatusEvent(person_id, "death", DIED)])
            if before_commit:
                before_commit()
            db.session.commit()
            results.append(("held", sum(held.values())))
        finally:
            db.session.remove()


def _state(entry_id):
    db.session.expire_all()
    hold = db.session.scalar(sa.select(RoundEntry.hold).where(RoundEntry.id == entry_id))
    paid = db.session.scalar(sa.select(sa.func.count(Payout.id)).where(
        Payout.entry_id == entry_id, Payout.reversed_at.is_(None),
        Payout.outcome.in_(PAID_OUTCOMES)))
    return hold, paid


def _run(*threads):
    for thread in threads:
        thread.start()
    return threads


@pytest.mark.postgres
def test_hold_first_then_the_waiting_payout_is_refused(app, committed_db):
    round_id, clerk_id, entries = _setup()
    entry_id, person_id = entries[0]
    results, held_written, release = [], threading.Event(), threading.Event()
    hold = threading.Thread(target=_hold, args=(app, person_id, clerk_id, results),
                            kwargs={"before_commit": lambda: (held_written.set(),
                                                              release.wait(10))})
    pay = threading.Thread(target=_pay, args=(app, round_id, entry_id, clerk_id, results))
    _run(hold)
    assert held_written.wait(10)
    _run(pay)  # reads the claim (not held: the hold is not committed) and inserts
    time.sleep(0.5)
    assert pay.is_alive(), "the payout must wait for the entry row the hold has locked"
    release.set()
    hold.join(10)
    pay.join(10)
    assert ("held", 1) in results
    refused = [r for r in results if r[0] == "refused"]
    assert len(refused) == 1 and "暫緩發放" in refused[0][1], results
    assert _state(entry_id) == ("deceased", 0)


@pytest.mark.postgres
def test_payout_first_then_the_waiting_hold_leaves_it_paid(app, committed_db):
    round_id, clerk_id, entries = _setup()
    entry_id, person_id = entries[0]
    results, paid_written, release = [], threading.Event(), threading.Event()
    pay = threading.Thread(target=_pay, args=(app, round_id, entry_id, clerk_id, results),
                           kwargs={"before_commit": lambda: (paid_written.set(),
                                                             release.wait(10))})
    hold = threading.Thread(target=_hold, args=(app, person_id, clerk_id, results))
    _run(pay)
    assert paid_written.wait(10)
    _run(hold)  # finds the entry unpaid (the payout is not committed) and updates it
    time.sleep(0.5)
    assert hold.is_alive(), "the hold must wait for the entry row the payout has locked"
    release.set()
    pay.join(10)
    hold.join(10)
    assert "paid" in results and ("held", 0) in results, results
    assert _state(entry_id) == (None, 1)


@pytest.mark.postgres
def test_simultaneous_payouts_and_holds_never_both_happen(app, committed_db):
    round_id, clerk_id, entries = _setup()
    outcomes = []
    for entry_id, person_id in entries:
        results, barrier = [], threading.Barrier(2)
        threads = _run(
            threading.Thread(target=_pay, args=(app, round_id, entry_id, clerk_id, results),
                             kwargs={"before_write": barrier.wait}),
            threading.Thread(target=_hold, args=(app, person_id, clerk_id, results),
                             kwargs={"before_write": barrier.wait}))
        for thread in threads:
            thread.join(20)
        assert len(results) == 2, results
        hold, paid = _state(entry_id)
        assert (hold is None) == (paid == 1), (hold, paid, results)
        outcomes.append("paid" if paid else "held")
    # whichever won each pair, the other side saw it (the two tests above force each order)
    assert len(outcomes) == PEOPLE
