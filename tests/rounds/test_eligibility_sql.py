"""The SQL used to freeze agrees with rules.assess, person by person."""

import random
from datetime import date, timedelta

import sqlalchemy as sa

from welfare.roster.models import Person
from welfare.rounds import eligibility
from welfare.rounds.rules import assess, default_rules


def test_sql_and_python_agree(db, make_person):
    rng = random.Random(3)
    rules = default_rules("double_ninth", 2025)
    edges = [rules.born_by["general"], rules.born_by["indigenous"], date(1935, 12, 31),
             date(1925, 12, 31)]
    for index in range(120):
        birth = rng.choice(edges) + timedelta(days=rng.choice((-1, 0, 1, 0)))
        status = rng.choice(("registered", "registered", "moved_out", "deceased"))
        status_date = None if status == "registered" else \
            rules.still_registered_on + timedelta(days=rng.choice((-1, 0, 1)))
        registered = rng.choice((None, rules.registered_by, rules.registered_by
                                 + timedelta(days=1), date(1990, 1, 1)))
        make_person(birth_date=birth, indigenous=index % 3 == 0, status=status,
                    status_date=status_date, registered_on=registered)
    label, amount = eligibility.tier_columns(rules)
    rows = db.session.execute(sa.select(Person, amount).where(
        *eligibility.eligible_conditions(rules), amount.is_not(None))).all()
    in_sql = {p.id: a for p, a in rows}
    for person in db.session.scalars(sa.select(Person)):
        verdict = assess(eligibility.facts_of(person, rules), rules)
        assert (person.id in in_sql) == verdict.eligible, (person.birth_date, verdict)
        if verdict.eligible:
            assert in_sql[person.id] == verdict.amount
