"""Eligibility, tiers and windows as a social worker would state them."""

from datetime import date

import pytest

from welfare.rounds.rules import (
    PersonFacts,
    RoundRules,
    Tier,
    assess,
    can_supersede,
    claim_window,
    default_rules,
    outcome_from_word,
    still_registered,
    tier_birth_ranges,
)

RULES = default_rules("double_ninth", 2025)  # 65 by 2025-12-31, registered by 2025-06-30


def verdict(**facts):
    data = {"birth_date": date(1950, 5, 1), "registered_on": date(2000, 1, 1)}
    data.update(facts)
    return assess(PersonFacts(**data), RULES)


@pytest.mark.parametrize("birth, eligible, amount, near", [
    (date(1960, 12, 31), True, 1500, None),            # turns 65 on 31 Dec: in
    (date(1961, 1, 1), False, 0, "born_after_cutoff"),  # turns 65 on 1 Jan: out, flagged
    (date(1961, 3, 1), False, 0, None),                 # far too young, not a near miss
    (date(1935, 1, 1), True, 5000, None),               # 90 during the year: 90 band
    (date(1935, 12, 31), True, 5000, None),             # turns 90 on 31 Dec
    (date(1936, 1, 1), True, 1500, None),               # turns 90 on 1 Jan: 65-89 band
    (date(1925, 12, 31), True, 10000, None),            # turns 100 on 31 Dec
    (date(1926, 1, 1), True, 5000, None),               # turns 100 on 1 Jan: 90-99 band
])
def test_age_cut_offs_and_tiers(birth, eligible, amount, near):
    result = verdict(birth_date=birth)
    assert (result.eligible, result.amount, result.near_miss) == (eligible, amount, near)


@pytest.mark.parametrize("birth, indigenous, eligible, amount", [
    (date(1970, 12, 31), True, True, 1500),    # indigenous, 55 on 31 Dec
    (date(1971, 1, 1), True, False, 0),        # indigenous, 54
    (date(1970, 12, 31), False, False, 0),     # same birth, not indigenous
    (date(1940, 1, 1), True, True, 1500),      # indigenous 85: general band
])
def test_indigenous_residents_from_55(birth, indigenous, eligible, amount):
    result = verdict(birth_date=birth, indigenous=indigenous)
    assert (result.eligible, result.amount) == (eligible, amount)


@pytest.mark.parametrize("registered_on, eligible, reason, near", [
    (date(2025, 6, 30), True, "age", None),                 # on the day
    (date(2025, 7, 1), False, "registered_late", "registered_late"),  # one day late
    (date(2025, 9, 1), False, "registered_late", None),
    (None, True, "age", None),                              # old record without a date
])
def test_registered_by(registered_on, eligible, reason, near):
    result = verdict(registered_on=registered_on)
    assert (result.eligible, result.reason, result.near_miss) == (eligible, reason, near)


STILL = RULES.still_registered_on  # 30 days before 2025-10-29


@pytest.mark.parametrize("status, status_date, eligible", [
    ("registered", None, True),
    ("moved_out", STILL, False),                            # left on the day: out
    ("moved_out", date(STILL.year, STILL.month, STILL.day - 1), False),
    ("moved_out", date(2025, 10, 20), True),                # moved out after the date: in
    ("deceased", date(2025, 10, 1), True),                  # died after the date: in
    ("deceased", date(2025, 3, 1), False),
    ("deceased", None, False),                              # unknown date: not counted
])
def test_still_registered_on(status, status_date, eligible):
    assert verdict(status=status, status_date=status_date).eligible is eligible
    assert still_registered(status, status_date, STILL) is eligible


def test_exclusions_and_merged_records():
    rules = RoundRules(**{**RULES.__dict__, "exclude_programmes": ("low_income",),
                          "exclude_rounds": (7,)})
    base = {"birth_date": date(1950, 1, 1)}
    assert assess(PersonFacts(**base, programmes=frozenset({"low_income"})), rules).reason \
        == "other_programme"
    assert assess(PersonFacts(**base, rounds=frozenset({7})), rules).reason == "other_round"
    assert assess(PersonFacts(**base, merged=True), rules).reason == "merged"
    assert assess(PersonFacts(**base), rules).eligible


def test_no_tier_means_not_eligible():
    rules = RoundRules(**{**RULES.__dict__, "tiers": (Tier(70, None, 2000),)})
    assert assess(PersonFacts(birth_date=date(1958, 1, 1)), rules).reason == "no_tier"


def test_rules_round_trip_as_json():
    assert RoundRules.from_json(RULES.to_json()) == RULES


def test_tier_birth_ranges_match_assess():
    for tier, earliest, latest in tier_birth_ranges(RULES):
        for birth in filter(None, (earliest, latest)):
            group_ok = "general" in tier.groups
            result = verdict(birth_date=birth, indigenous=not group_ok)
            assert result.tier == tier, (tier, birth)


@pytest.mark.parametrize("on, window", [
    (date(2025, 10, 28), "early"), (date(2025, 10, 29), "open"), (date(2025, 10, 31), "open"),
    (date(2025, 11, 1), "late"), (date(2025, 12, 31), "late"), (date(2026, 1, 1), "closed"),
])
def test_claim_window(on, window):
    assert claim_window(on, date(2025, 10, 29), date(2025, 10, 31), date(2025, 12, 31)) == window


@pytest.mark.parametrize("word, code", [
    ("本人", "elder"), ("代領", "proxy"), ("未遇", "not_found"), (" 死亡 ", "deceased"),
    ("遷出", "moved_out"), ("放棄", "waived"), ("轉帳", "bank"), ("???", None),
])
def test_outcome_words(word, code):
    assert outcome_from_word(word) == code


def test_only_not_found_can_be_superseded():
    assert can_supersede("not_found")
    assert not any(can_supersede(o) for o in ("elder", "proxy", "bank", "deceased", "waived"))
