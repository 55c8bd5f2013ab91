"""Two clerks hand out goods for one entry at once (one to the elder, one to a proxy): the
database lets exactly one hand-over stand; the other clerk gets the clear refusal. Real
commits; on PostgreSQL with TEST_DATABASE_URL."""

import threading
from dataclasses import replace
from datetime import date, timedelta

import sqlalchemy as sa

from tests.conftest import PASSWORD
from welfare.auth.models import User
from welfare.core import idno
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.roster import services as roster
from welfare.roster.models import InstitutionStay, Person
from welfare.rounds import payouts, queries, services
from welfare.rounds.models import RoundEntry
from welfare.rounds.rules import Tier

from .test_concurrency import _effective_and_audited, _race, race_app  # noqa: F401

PROXY = {"name": "王小明", "id_number": "A123456789", "relationship": "子",
         "seal_checked": True}


def _goods_round():
    village = db.session.scalar(sa.select(Village).order_by(Village.code))
    clerks = []
    for index in range(3):
        user = User(username=f"goodsclerk{index}", role="staff", display_name=f"clerk {index}")
        user.set_password(PASSWORD)
        clerks.append(user)
    boss = User(username="goodsboss", role="supervisor", display_name="boss")
    boss.set_password("x")
    elder = Person(id_number=idno.generate(), name="領米長輩", sex="F",
                   birth_date=date(1940, 1, 1), village_id=village.id, address="林園北路9號")
    db.session.add_all([*clerks, boss, elder])
    db.session.flush()
    today = date.today()
    data = services.new_round_data("dragon_boat", today.year)
    data |= {"name": "goods race", "kind": "goods", "goods_name": "米", "goods_unit": "包",
             "payout_start": today - timedelta(days=1), "payout_end": today + timedelta(days=1),
             "late_claim_end": today + timedelta(days=2),
             "rules": replace(data["rules"], tiers=(Tier(65, None, 2),))}
    round_ = services.create_round(data, actor=clerks[0])
    services.freeze_round(round_, actor=clerks[0])
    services.approve_round(round_, actor=boss)
    db.session.commit()
    entry_id = db.session.scalar(sa.select(RoundEntry.id).where(RoundEntry.round_id == round_.id))
    return round_.id, entry_id, elder.id, [c.id for c in clerks[1:]]


def test_two_clerks_cannot_hand_out_goods_twice(race_app):  # noqa: F811
    round_id, entry_id, _elder, clerk_ids = _goods_round()
    db.session.remove()
    ways = dict(zip(clerk_ids, ("elder", "proxy"), strict=True))

    def attempt(user_id, ready):
        claim = queries.claim(round_id, entry_id)
        actor = db.session.get(User, user_id)
        assert claim.current_id is None and claim.quantity == 2 and claim.kind == "goods"
        ready()
        payouts.record_claim(claim, ways[user_id], actor=actor,
                             proxy=PROXY if ways[user_id] == "proxy" else None)

    results = _race(race_app, clerk_ids, attempt)
    assert results.count("ok") == 1, results
    assert all(r[0] == "refused" and "領米長輩" in r[1] for r in results if r != "ok")
    assert _effective_and_audited(entry_id) == (1, 1)


def test_two_clerks_record_one_open_stay(race_app):  # noqa: F811
    _round, _entry, elder_id, clerk_ids = _goods_round()
    db.session.remove()
    barrier = threading.Barrier(len(clerk_ids))
    results = []

    def clerk(user_id):
        with race_app.app_context():
            try:
                person = db.session.get(Person, elder_id)
                actor = db.session.get(User, user_id)
                barrier.wait()
                roster.add_stay(person, f"機構{user_id}", date(2026, 1, 1), actor=actor)
                db.session.commit()
                results.append("ok")
            except ServiceError as exc:
                db.session.rollback()
                results.append(("refused", exc.errors[0][1]))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=clerk, args=(uid,)) for uid in clerk_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results.count("ok") == 1, results
    assert all(r[0] == "refused" and "尚未結束" in r[1] for r in results if r != "ok"), results
    assert db.session.scalar(sa.select(sa.func.count(InstitutionStay.id)).where(
        InstitutionStay.person_id == elder_id, InstitutionStay.ended_on.is_(None))) == 1
