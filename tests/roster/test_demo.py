"""The demo roster keeps its promises: a believable, deterministic Linyuan."""

import itertools
import random
from collections import Counter, defaultdict
from datetime import date

import pytest
import sqlalchemy as sa

from welfare.core import idno
from welfare.core.rocdate import age_on
from welfare.demo.cli import SeedContext
from welfare.roster import demo, queries
from welfare.roster.models import (
    EmergencyContact,
    Household,
    HouseholdMember,
    IsolatedElder,
    LowIncomeStatus,
    Person,
)
from welfare.roster.rules import names_similar

TODAY = date(2026, 6, 15)


def seed_roster(db, admin, people=1000, rng_seed=7):
    ctx = SeedContext(rng=random.Random(rng_seed), today=TODAY, people=people,
                      password="unused", users={"admin": admin}, echo=lambda *a: None)
    demo.seed(ctx)
    db.session.flush()
    return ctx


@pytest.fixture
def seeded(db, make_user):
    seed_roster(db, make_user("admin"))
    return db


def all_people(db):
    return db.session.scalars(sa.select(Person)).all()


def test_people_spread_over_every_village_with_valid_unique_ids(seeded):
    people = all_people(seeded)
    assert 1000 <= len(people) <= 1010  # the duplicates' second records come on top
    assert len({p.village_id for p in people}) == 24
    numbers = [p.id_number for p in people]
    assert len(set(numbers)) == len(numbers)
    assert all(idno.is_valid(n) for n in numbers)
    assert all(idno.sex_of(n) in (p.sex, None) for n, p in zip(numbers, people, strict=True))
    letters = Counter(n[0] for n in numbers)
    assert letters["E"] + letters["S"] > 0.8 * len(numbers)
    assert all(len(p.name) in (3, 4) for p in people)


def test_ages_look_like_linyuan(seeded):
    living = [p for p in all_people(seeded) if p.status == "registered"]
    ages = [age_on(p.birth_date, TODAY) for p in living]
    assert 0.15 <= sum(a >= 65 for a in ages) / len(ages) <= 0.25
    assert any(a >= 90 for a in ages)
    assert any(a < 6 for a in ages)
    assert all(p.birth_date <= p.registered_on <= TODAY for p in living if p.registered_on)
    gone = [p for p in all_people(seeded) if p.status != "registered"]
    assert gone and all(p.status_date and p.status_date <= TODAY for p in gone)


def test_households_have_a_head_among_their_members(seeded):
    households = seeded.session.scalars(sa.select(Household)).all()
    members = defaultdict(dict)
    for m in seeded.session.scalars(sa.select(HouseholdMember)):
        members[m.household_id][m.person_id] = m.relationship_to_head
    assert len(households) > 250
    for household in households:
        assert members[household.id][household.head_id] == "本人"
    sizes = Counter(len(m) for m in members.values())
    assert sizes[1] > 0 and sizes[2] > 0 and sizes[4] > 0
    assert sum(n for size, n in sizes.items() if size <= 5) > 0.9 * len(households)


def test_low_income_households_with_periods_some_expiring(seeded):
    statuses = seeded.session.scalars(sa.select(LowIncomeStatus)).all()
    by_household = defaultdict(list)
    for status in statuses:
        assert status.certified_from <= status.certified_until
        by_household[status.household_id].append(status)
    kinds = Counter(s.kind for s in statuses if s.certified_from <= TODAY <= s.certified_until)
    assert kinds["low"] >= 30 and kinds["mid_low"] >= 15
    assert all(s.category_id for s in statuses if s.kind == "low")
    assert not any(s.category_id for s in statuses if s.kind == "mid_low")
    for periods in by_household.values():
        periods.sort(key=lambda s: s.certified_from)
        assert all(a.certified_until < b.certified_from
                   for a, b in itertools.pairwise(periods))
    assert len(queries.expiring_statuses(None, TODAY)) >= 3


def test_isolated_elders_at_every_level_with_contacts(seeded):
    elders = seeded.session.scalars(sa.select(IsolatedElder)).all()
    assert len(elders) >= 13
    assert {e.care_level for e in elders} == {1, 2, 3, 4}
    contacts = Counter(seeded.session.scalars(sa.select(EmergencyContact.elder_id)))
    for elder in elders:
        assert contacts[elder.id] >= 1
        assert elder.assessed_on <= TODAY and elder.assessor and elder.living_situation
        assert age_on(elder.person.birth_date, TODAY) >= 65
        assert elder.person.status == "registered"


def test_duplicate_pairs_are_flagged(seeded):
    flags = queries.open_duplicates(None)
    assert len(flags) >= 3
    for flag in flags:
        assert flag.person_a.birth_date == flag.person_b.birth_date
        assert names_similar(flag.person_a.name, flag.person_b.name)


def test_same_seed_gives_the_same_town(db, make_user):
    admin = make_user("admin")

    def snapshot():
        savepoint = db.session.begin_nested()
        seed_roster(db, admin, people=300, rng_seed=11)
        rows = db.session.execute(
            sa.select(Person.id_number, Person.name, Person.birth_date, Person.address)
            .order_by(Person.id_number)).all()
        savepoint.rollback()
        return rows

    first = snapshot()
    assert len(first) >= 300
    assert snapshot() == first


def test_demo_seed_refuses_a_database_with_accounts(app, db, make_user):
    make_user("staff")
    result = app.test_cli_runner().invoke(args=["demo", "seed", "--people", "50"])
    assert result.exit_code != 0
    assert "already has accounts" in result.output
    assert not db.session.scalar(sa.select(sa.func.count(Person.id)))
