"""Racing clerks on PostgreSQL: only one payout per person ever becomes effective."""

import threading
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from welfare.auth.models import AuditLog, User
from welfare.core import idno
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.roster.models import Person
from welfare.rounds import payouts, queries, services
from welfare.rounds.models import Payout, RoundEntry

pytestmark = pytest.mark.postgres
CLERKS = 8


def _setup(app):
    village = db.session.scalar(sa.select(Village).order_by(Village.code))
    users = []
    for index in range(CLERKS + 1):
        user = User(username=f"clerk{index}", role="staff", display_name=f"clerk {index}")
        user.set_password("x")
        users.append(user)
    supervisor = User(username="boss", role="supervisor", display_name="boss")
    supervisor.set_password("x")
    person = Person(id_number=idno.generate(), name="賽跑", sex="F",
                    birth_date=date(1940, 1, 1), village_id=village.id, address="x")
    db.session.add_all([*users, supervisor, person])
    db.session.flush()
    today = date.today()
    data = services.new_round_data("double_ninth", today.year) | {
        "name": "race", "payout_start": today - timedelta(days=1),
        "payout_end": today + timedelta(days=1), "late_claim_end": today + timedelta(days=2)}
    round_ = services.create_round(data, actor=users[0])
    services.freeze_round(round_, actor=users[0])
    services.approve_round(round_, actor=supervisor)
    db.session.commit()
    entry_id = db.session.scalar(sa.select(RoundEntry.id).where(RoundEntry.round_id == round_.id))
    return entry_id, [u.id for u in users[1:]]


def _race(app, clerk_ids, attempt):
    """Run attempt(clerk_id) in one thread per clerk, each in its own session; the
    attempt calls ready() once it has read what it needs, and all then write at once."""
    barrier = threading.Barrier(len(clerk_ids))
    results = []

    def clerk(user_id):
        with app.app_context():
            try:
                attempt(user_id, barrier.wait)
                db.session.commit()
                results.append("ok")
            except payouts.AlreadyRecorded as exc:
                db.session.rollback()
                results.append(("refused", str(exc)))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=clerk, args=(uid,)) for uid in clerk_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # every clerk got an answer: a success or the clear refusal, never a database error
    assert len(results) == len(clerk_ids), results
    return results


def _effective_and_audited(entry_id):
    effective = db.session.scalar(sa.select(sa.func.count(Payout.id)).where(
        Payout.entry_id == entry_id, Payout.reversed_at.is_(None)))
    audited = db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(
        AuditLog.action == "payout"))
    return effective, audited


def test_racing_clerks_record_one_payout(app, committed_db):
    entry_id, clerk_ids = _setup(app)
    db.session.remove()
    outcomes = {uid: "elder" if i % 2 else "waived" for i, uid in enumerate(clerk_ids)}

    def attempt(user_id, ready):
        entry = db.session.get(RoundEntry, entry_id)
        actor = db.session.get(User, user_id)
        ready()
        payouts.record_payout(entry, outcomes[user_id], actor=actor)

    results = _race(app, clerk_ids, attempt)
    # one winner; every other clerk got the clear "already recorded" refusal, nothing else
    assert results.count("ok") == 1, results
    assert all(r[0] == "refused" and r[1] for r in results if r != "ok")
    effective = db.session.scalar(sa.select(sa.func.count(Payout.id)).where(
        Payout.entry_id == entry_id, Payout.reversed_at.is_(None)))
    assert effective == 1


def test_one_tap_race_after_every_clerk_saw_no_outcome(app, committed_db):
    """The counter's path: each clerk read the claim (no outcome yet) before anyone wrote,
    so only the partial unique index stands between them and a second payout."""
    entry_id, clerk_ids = _setup(app)
    round_id = db.session.get(RoundEntry, entry_id).round_id
    db.session.remove()

    def attempt(user_id, ready):
        claim = queries.claim(round_id, entry_id)
        actor = db.session.get(User, user_id)
        assert claim.current_id is None
        ready()
        payouts.record_claim(claim, "elder", actor=actor)

    results = _race(app, clerk_ids, attempt)
    assert results.count("ok") == 1, results
    assert all(r[0] == "refused" and "賽跑" in r[1] for r in results if r != "ok")
    # one payout and one audit row: the losers' audit rows never reached the database
    assert _effective_and_audited(entry_id) == (1, 1)


def test_racing_claims_supersede_a_not_found_once(app, committed_db):
    """Every clerk saw the same 未遇 and records a claim over it: one reversal, one payout."""
    entry_id, clerk_ids = _setup(app)
    entry = db.session.get(RoundEntry, entry_id)
    payouts.record_payout(entry, "not_found", actor=db.session.get(User, clerk_ids[0]))
    db.session.commit()
    round_id = entry.round_id
    db.session.remove()

    def attempt(user_id, ready):
        claim = queries.claim(round_id, entry_id)
        actor = db.session.get(User, user_id)
        assert claim.current_outcome == "not_found"
        ready()
        payouts.record_claim(claim, "elder", actor=actor)

    results = _race(app, clerk_ids, attempt)
    assert results.count("ok") == 1, results
    rows = db.session.execute(sa.select(Payout.outcome, Payout.reversed_at.is_(None))
                              .where(Payout.entry_id == entry_id).order_by(Payout.id)).all()
    assert [tuple(r) for r in rows] == [("not_found", False), ("elder", True)]
    assert _effective_and_audited(entry_id) == (1, 2)
