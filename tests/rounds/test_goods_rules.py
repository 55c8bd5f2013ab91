"""Pure rules of goods rounds and the rule 排除機構安置者: no app, no database."""

from datetime import date

import pytest

from welfare.rounds.rules import (
    HouseholdFacts,
    PersonFacts,
    RoundRules,
    assess,
    assess_household,
    default_rules,
    stay_covers,
)

ON = date(2026, 9, 18)


@pytest.mark.parametrize("stays, inside", [
    ([], False),
    ([(date(2020, 1, 1), None)], True),               # still there
    ([(ON, None)], True),                             # admitted that very day
    ([(date(2020, 1, 1), ON)], True),                 # left that day: still there on it
    ([(date(2020, 1, 1), date(2026, 9, 17))], False),  # left the day before
    ([(date(2026, 9, 19), None)], False),              # admitted after the day
    ([(date(2019, 1, 1), date(2019, 6, 1)), (date(2026, 1, 1), None)], True),
])
def test_a_stay_covers_the_day(stays, inside):
    assert stay_covers(stays, ON) is inside


@pytest.mark.parametrize("rule, in_institution, eligible, reason", [
    (False, False, True, "age"),
    (False, True, True, "age"),            # the rule is off: stays do not matter
    (True, False, True, "age"),
    (True, True, False, "in_institution"),
])
def test_the_institution_rule_leaves_out_people_in_an_institution(rule, in_institution,
                                                                  eligible, reason):
    rules = RoundRules.from_json(default_rules("double_ninth", 2026).to_json()
                                 | {"exclude_institution": rule})
    verdict = assess(PersonFacts(birth_date=date(1940, 1, 1), in_institution=in_institution),
                     rules)
    assert (verdict.eligible, verdict.reason) == (eligible, reason)


def test_the_rule_is_stored_with_the_round_and_read_back():
    rules = RoundRules.from_json(default_rules("spring", 2027).to_json()
                                 | {"exclude_institution": True})
    assert RoundRules.from_json(rules.to_json()).exclude_institution is True
    assert RoundRules.from_json(default_rules("spring", 2027).to_json()).exclude_institution \
        is False
    # Stays are looked at on the still-registered date, else the reference date.
    assert rules.institution_day == rules.still_registered_on


@pytest.mark.parametrize("size, away, eligible, reason, quantity", [
    (3, 0, True, "status", 2),
    (2, 1, True, "status", 2),             # a member in an institution is not counted
    (0, 2, False, "in_institution", 0),    # everyone in an institution: the household is out
    (0, 0, False, "no_members", 0),
])
def test_household_goods_by_status_with_members_away(size, away, eligible, reason, quantity):
    rules = RoundRules.from_json(default_rules("spring", 2027).to_json() | {
        "include_statuses": ["low_income"], "status_amounts": {"low_income": 2},
        "exclude_institution": True})
    verdict = assess_household(HouseholdFacts(size=size, statuses=frozenset({"low_income"}),
                                              in_institution=away), rules)
    assert (verdict.eligible, verdict.reason, verdict.amount) == (eligible, reason, quantity)
