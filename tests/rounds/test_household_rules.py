"""Household rules as data: inclusion by status and amounts by size or status (no app)."""

from datetime import date

import pytest

from welfare.rounds.rules import (
    HouseholdFacts,
    PersonFacts,
    RoundRules,
    Tier,
    assess,
    assess_household,
    household_amount,
    status_keys,
)

BASE = RoundRules(reference_date=date(2026, 12, 31), born_by={"general": date(1961, 12, 31)},
                  registered_by=None, still_registered_on=None, tiers=(Tier(65, None, 1500),))
BY_SIZE = {"base": 3000, "per_member": 1000, "max_members": 4}
TABLE = {"low_income": 6000, "low_income:L1": 8000, "mid_low_income": 3000}


def _rules(**changes):
    from dataclasses import replace

    return replace(BASE, **changes)


@pytest.mark.parametrize("size,plan,expected", [
    (1, BY_SIZE, ("1p", 4000)),
    (3, BY_SIZE, ("3p", 6000)),
    (4, BY_SIZE, ("4p", 7000)),
    (9, BY_SIZE, ("9p", 7000)),  # members counted up to the cap
    (2, {"base": 0, "per_member": 2500}, ("2p", 5000)),
    (2, {}, None),
])
def test_amount_by_household_size(size, plan, expected):
    facts = HouseholdFacts(size=size, statuses=frozenset({"low_income"}))
    assert household_amount(facts, _rules(household_amount=plan)) == expected


@pytest.mark.parametrize("statuses,expected", [
    ({"low_income"}, ("low_income", 6000)),
    (status_keys("low_income", "L1"), ("low_income:L1", 8000)),  # 款別 row beats the kind
    ({"mid_low_income"}, ("mid_low_income", 3000)),
    ({"isolated_elder"}, None),
])
def test_amount_by_status_table(statuses, expected):
    facts = HouseholdFacts(size=2, statuses=frozenset(statuses))
    assert household_amount(facts, _rules(status_amounts=TABLE, household_amount=BY_SIZE)) \
        == expected


@pytest.mark.parametrize("facts,include,reason", [
    (HouseholdFacts(2, frozenset({"low_income"})), ("low_income", "mid_low_income"), "status"),
    (HouseholdFacts(2, frozenset({"mid_low_income"})), ("low_income",), "no_status"),
    (HouseholdFacts(2, frozenset(status_keys("low_income", "L2"))), ("low_income:L2",),
     "status"),
    (HouseholdFacts(2, frozenset(status_keys("low_income", "L3"))), ("low_income:L2",),
     "no_status"),
    (HouseholdFacts(1, frozenset({"isolated_elder"})), ("isolated_elder",), "status"),
    (HouseholdFacts(0, frozenset({"low_income"})), ("low_income",), "no_members"),
    (HouseholdFacts(2, frozenset({"low_income"}), paid_rounds=frozenset({7})), ("low_income",),
     "paid_elsewhere"),
    (HouseholdFacts(2, frozenset({"low_income"}), rounds=frozenset({8})), ("low_income",),
     "other_round"),
])
def test_household_inclusion(facts, include, reason):
    rules = _rules(include_statuses=include, household_amount=BY_SIZE, exclude_paid_rounds=(7,),
                   exclude_rounds=(8,))
    verdict = assess_household(facts, rules)
    assert verdict.reason == reason
    assert verdict.eligible == (reason == "status")
    assert verdict.amount == (BY_SIZE["base"] + facts.size * 1000 if verdict.eligible else 0)


@pytest.mark.parametrize("programmes,paid,reason", [
    ({"low_income"}, set(), "age"),
    (set(), set(), "no_status"),
    ({"low_income"}, {5}, "paid_elsewhere"),
])
def test_person_rounds_include_by_status_and_paid_rounds(programmes, paid, reason):
    rules = _rules(include_statuses=("low_income",), exclude_paid_rounds=(5,))
    person = PersonFacts(birth_date=date(1950, 1, 1), programmes=frozenset(programmes),
                         paid_rounds=frozenset(paid))
    assert assess(person, rules).reason == reason


def test_rules_round_trip_through_json():
    rules = _rules(include_statuses=("low_income:L1",), household_amount=BY_SIZE,
                   status_amounts=TABLE, exclude_paid_rounds=(3,))
    assert RoundRules.from_json(rules.to_json()) == rules
