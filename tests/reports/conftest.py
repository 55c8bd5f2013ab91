"""A small roster with edge cases, and the same figures computed in plain Python."""

import random
from datetime import date

import pytest

from welfare.roster.models import Household, HouseholdMember, IsolatedElder, LowIncomeStatus
from welfare.roster.rules import age_band_for

TODAY = date(2025, 10, 15)


@pytest.fixture(autouse=True)
def counts_not_kept(app):
    """Figures counted afresh in every test (the setting defaults to ten minutes); a test
    that checks keeping sets REPORTS_CACHE_SECONDS itself."""
    from welfare.reports import cache

    saved = app.config.get("REPORTS_CACHE_SECONDS")
    app.config["REPORTS_CACHE_SECONDS"] = 0
    with app.app_context():
        cache.clear()
    yield
    if saved is None:
        app.config.pop("REPORTS_CACHE_SECONDS", None)
    else:
        app.config["REPORTS_CACHE_SECONDS"] = saved


@pytest.fixture
def roster(db, villages, make_person):
    """About 150 people over four villages: moved out, deceased, merged, not yet registered,
    birthdays on the as-of day, households with current, expired and future statuses."""
    rng = random.Random(7)
    chosen = villages[:4]
    people = []
    for i in range(150):
        birth = date(rng.randint(1918, 2020), rng.randint(1, 12), rng.randint(1, 28))
        status, status_date, registered_on = "registered", None, None
        roll = rng.random()
        if roll < 0.08:
            status, status_date = "moved_out", date(2025, rng.randint(1, 12), 1)
        elif roll < 0.12:
            status, status_date = "deceased", None
        elif roll < 0.15:
            registered_on = date(2025, 12, 1)
        people.append(make_person(village=chosen[i % 4], sex=rng.choice("MF"), birth_date=birth,
                                  status=status, status_date=status_date,
                                  registered_on=registered_on))
    people.append(make_person(village=chosen[0], birth_date=date(1960, 10, 15)))  # 65 today
    people.append(make_person(village=chosen[0], birth_date=date(1960, 10, 16)))  # 64 today
    people.append(make_person(village=chosen[1], birth_date=date(1925, 10, 15)))  # 100 today
    people[5].merged_into_id = people[6].id
    households = []
    for h in range(20):
        household = Household(village_id=chosen[h % 4].id, address=f"路{h}號")
        db.session.add(household)
        db.session.flush()
        for person in people[h * 5: h * 5 + rng.randint(1, 5)]:
            db.session.add(HouseholdMember(household_id=household.id, person_id=person.id))
        kind = "low" if h % 3 else "mid_low"
        start, until = [(date(2025, 1, 1), date(2025, 12, 31)),
                        (date(2024, 1, 1), date(2024, 12, 31)),
                        (date(2025, 11, 1), date(2026, 10, 31)),
                        (date(2025, 6, 1), date(2025, 10, 15))][h % 4]
        db.session.add(LowIncomeStatus(household_id=household.id, kind=kind,
                                       certified_from=start, certified_until=until))
        households.append(household)
    for n, person in enumerate(people[::7]):
        db.session.add(IsolatedElder(person_id=person.id, care_level=n % 4 + 1,
                                     active=n % 5 != 0))
    db.session.flush()
    return {"people": people, "households": households, "villages": chosen}


def on_roster(person, as_of):
    if person.merged_into_id is not None or person.birth_date > as_of:
        return False
    if person.registered_on is not None and person.registered_on > as_of:
        return False
    return person.status == "registered" or (person.status_date is not None
                                             and person.status_date > as_of)


def expected_people(people, as_of):
    """{(village_id, band, sex): count} computed person by person."""
    counts = {}
    for p in people:
        if on_roster(p, as_of):
            key = (p.village_id, age_band_for(p.birth_date, as_of), p.sex)
            counts[key] = counts.get(key, 0) + 1
    return counts


def expected_low_income(households, people, as_of):
    """({(village_id, kind): households}, {(village_id, kind): people})."""
    homes, persons = {}, {}
    alive = {p.id for p in people if on_roster(p, as_of)}
    for h in households:
        for s in h.statuses:
            if s.certified_from <= as_of <= s.certified_until:
                homes[(h.village_id, s.kind)] = homes.get((h.village_id, s.kind), 0) + 1
                for m in h.members:
                    if m.person_id in alive:
                        key = (m.person.village_id, s.kind)
                        persons[key] = persons.get(key, 0) + 1
    return homes, persons
