"""Racing clerks on PostgreSQL: only one payout per person ever becomes effective."""

import threading
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from welfare.auth.models import User
from welfare.core import idno
from welfare.extensions import db
from welfare.roster.models import Person, Village
from welfare.rounds import payouts, services
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


def test_racing_clerks_record_one_payout(app, committed_db):
    entry_id, clerk_ids = _setup(app)
    barrier = threading.Barrier(CLERKS)
    results = []

    def clerk(user_id, outcome):
        with app.app_context():
            entry = db.session.get(RoundEntry, entry_id)
            actor = db.session.get(User, user_id)
            barrier.wait()
            try:
                payouts.record_payout(entry, outcome, actor=actor)
                db.session.commit()
                results.append("ok")
            except payouts.AlreadyRecorded as exc:
                db.session.rollback()
                results.append(("refused", str(exc)))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=clerk, args=(uid, "elder" if i % 2 else "waived"))
               for i, uid in enumerate(clerk_ids)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # one winner; every other clerk got the clear "already recorded" refusal, nothing else
    assert results.count("ok") == 1, results
    assert len(results) == CLERKS
    assert all(r[0] == "refused" and r[1] for r in results if r != "ok")
    effective = db.session.scalar(sa.select(sa.func.count(Payout.id)).where(
        Payout.entry_id == entry_id, Payout.reversed_at.is_(None)))
    assert effective == 1
