"""Two clerks pay one household at once (one to the head, one to a proxy): the database
lets exactly one payment stand, and the other clerk gets the clear refusal."""

from dataclasses import replace
from datetime import date, timedelta

import sqlalchemy as sa

from tests.conftest import PASSWORD
from welfare.auth.models import User
from welfare.core import idno
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.roster.models import Household, HouseholdMember, LowIncomeStatus, Person
from welfare.rounds import payouts, queries, services
from welfare.rounds.models import RoundEntry

from .test_concurrency import _effective_and_audited, _race, race_app  # noqa: F401

PROXY = {"name": "王小明", "id_number": "A123456789", "relationship": "子",
         "seal_checked": True}


def _household_round():
    village = db.session.scalar(sa.select(Village).order_by(Village.code))
    clerks = []
    for index in range(3):
        user = User(username=f"hhclerk{index}", role="staff", display_name=f"clerk {index}")
        user.set_password(PASSWORD)
        clerks.append(user)
    boss = User(username="hhboss", role="supervisor", display_name="boss")
    boss.set_password("x")
    people = [Person(id_number=idno.generate(), name=name, sex="F", birth_date=birth,
                     village_id=village.id, address="林園北路9號")
              for name, birth in (("戶長甲", date(1958, 1, 1)), ("家人乙", date(1990, 1, 1)))]
    db.session.add_all([*clerks, boss, *people])
    db.session.flush()
    household = Household(village_id=village.id, address="林園北路9號", head_id=people[0].id)
    db.session.add(household)
    db.session.flush()
    db.session.add_all([HouseholdMember(household_id=household.id, person_id=p.id)
                        for p in people])
    today = date.today()
    db.session.add(LowIncomeStatus(household_id=household.id, kind="low",
                                   certified_from=today - timedelta(days=300),
                                   certified_until=today + timedelta(days=300)))
    data = services.new_round_data("other", today.year)
    data |= {"name": "household race", "unit": "household",
             "payout_start": today - timedelta(days=1), "payout_end": today + timedelta(days=1),
             "late_claim_end": today + timedelta(days=2),
             "rules": replace(data["rules"], include_statuses=("low_income",),
                              household_amount={"base": 2000, "per_member": 1000})}
    round_ = services.create_round(data, actor=clerks[0])
    services.freeze_round(round_, actor=clerks[0])
    services.approve_round(round_, actor=boss)
    db.session.commit()
    entry_id = db.session.scalar(sa.select(RoundEntry.id).where(RoundEntry.round_id == round_.id))
    return round_.id, entry_id, [c.id for c in clerks[1:]]


def test_two_clerks_cannot_pay_one_household_twice(race_app):  # noqa: F811
    round_id, entry_id, clerk_ids = _household_round()
    db.session.remove()
    ways = dict(zip(clerk_ids, ("elder", "proxy"), strict=True))

    def attempt(user_id, ready):
        claim = queries.claim(round_id, entry_id)
        actor = db.session.get(User, user_id)
        assert claim.current_id is None and claim.amount == 4000
        ready()
        payouts.record_claim(claim, ways[user_id], actor=actor,
                             proxy=PROXY if ways[user_id] == "proxy" else None)

    results = _race(race_app, clerk_ids, attempt)
    assert results.count("ok") == 1, results
    assert all(r[0] == "refused" and "戶長甲" in r[1] for r in results if r != "ok")
    assert _effective_and_audited(entry_id) == (1, 1)
