"""Pure rules: due dates, alerts, the escalation chain, sweep states."""

from datetime import date, datetime

import pytest

from welfare.visits import rules

L1, L2, L3, L4 = (rules.default_rule(n) for n in (1, 2, 3, 4))
START = date(2026, 1, 1)


@pytest.mark.parametrize(("rule", "last", "in_person", "today", "due", "late", "status"), [
    (L4, None, None, date(2026, 1, 1), date(2026, 1, 1), 0, "due"),
    (L4, None, None, date(2026, 1, 5), date(2026, 1, 1), 4, "overdue"),
    (L4, date(2026, 3, 1), date(2026, 3, 1), date(2026, 3, 8), date(2026, 3, 8), 0, "due"),
    (L4, date(2026, 3, 1), date(2026, 3, 1), date(2026, 3, 11), date(2026, 3, 8), 3, "overdue"),
    (L4, date(2026, 3, 1), date(2026, 3, 1), date(2026, 3, 5), date(2026, 3, 8), 0, "soon"),
    (L4, date(2026, 3, 1), date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 8), 0, "ok"),
    # phone calls every week but nobody at the door for a fortnight: in person due
    (L4, date(2026, 3, 20), date(2026, 3, 1), date(2026, 3, 16), date(2026, 3, 15), 1, "overdue"),
    (L3, date(2026, 3, 1), date(2026, 3, 1), date(2026, 3, 16), date(2026, 3, 16), 0, "due"),
    (L2, date(2026, 3, 1), date(2026, 3, 1), date(2026, 4, 5), date(2026, 3, 31), 5, "overdue"),
    (L1, date(2025, 6, 1), None, date(2026, 3, 1), date(2026, 6, 1), 0, "ok"),
])
def test_schedule(rule, last, in_person, today, due, late, status):
    plan = rules.schedule(rule, START, last, in_person, today)
    assert (plan.due_on, plan.overdue_days, plan.status) == (due, late, status)


@pytest.mark.parametrize(("rule", "by_kind", "expected"), [
    (L1, {"message": date(2026, 2, 1)}, (date(2026, 2, 1), None)),
    (L4, {"message": date(2026, 2, 1)}, (None, None)),
    (L4, {"phone_call": date(2026, 2, 3), "home_visit": date(2026, 1, 30)},
     (date(2026, 2, 3), date(2026, 1, 30))),
    (L3, {"care_point": date(2026, 2, 5)}, (date(2026, 2, 5), date(2026, 2, 5))),
])
def test_last_contacts(rule, by_kind, expected):
    assert rules.last_contacts(by_kind, rule) == expected


@pytest.mark.parametrize(("kind", "outcome", "rule", "counts"), [
    ("home_visit", "met_well", L4, True),
    ("home_visit", "no_answer", L4, False),
    ("message", "met_well", L4, False),
    ("message", "met_well", L1, True),
    ("phone_call", "refused", L2, True),
    ("home_visit", "hospitalised", L3, False),
])
def test_counts_as_contact(kind, outcome, rule, counts):
    assert rules.counts_as_contact(kind, outcome, rule) is counts


@pytest.mark.parametrize(("outcome", "level", "referral", "reason"), [
    ("no_answer", 4, False, "no_answer"),
    ("no_answer", 3, False, "no_answer"),
    ("no_answer", 2, False, None),
    ("met_concerns", 1, False, "concerns"),
    ("hospitalised", 2, False, "hospitalised"),
    ("deceased", 1, False, "deceased"),
    ("moved", 2, False, "moved"),
    ("not_alone", 2, False, "not_alone"),
    ("met_well", 4, False, None),
    ("met_well", 4, True, "needs_help"),
])
def test_alert_reason(outcome, level, referral, reason):
    assert rules.alert_reason(outcome, level, referral=referral) == reason


T0 = datetime(2026, 5, 1, 8, 0)


@pytest.mark.parametrize(("hours_later", "step", "deadline_hours"), [
    (0, 0, 3), (2.9, 0, 3), (3, 1, 5), (4.5, 1, 5), (5, 2, 7), (7, 3, 9), (9, 4, None),
    (100, 4, None),
])
def test_no_answer_climbs_the_chain(hours_later, step, deadline_hours):
    from datetime import timedelta

    got_step, deadline = rules.escalation_step("no_answer", T0, T0 + timedelta(hours=hours_later))
    assert got_step == step
    assert deadline == (T0 + timedelta(hours=deadline_hours) if deadline_hours else None)
    assert rules.step_code("no_answer", step) == (
        "recheck", "staff", "emergency_contact", "village_chief", "emergency_services")[step]


def test_single_step_alerts_stay_on_their_step():
    from datetime import timedelta

    assert rules.escalation_step("concerns", T0, T0 + timedelta(hours=100)) == (
        0, T0 + timedelta(hours=48))


@pytest.mark.parametrize(("outcome", "needs", "referral", "state"), [
    ("met_well", (), False, "checked"),
    ("met_well", ("meals",), False, "needs_help"),
    ("met_well", (), True, "needs_help"),
    ("no_answer", (), False, "unreachable"),
    ("met_concerns", (), False, "needs_help"),
    ("hospitalised", (), False, "needs_help"),
    ("not_alone", (), False, "checked"),
])
def test_sweep_state(outcome, needs, referral, state):
    assert rules.sweep_state(outcome, needs, referral) == state


@pytest.mark.parametrize(("late", "primary_active", "takes"), [
    (0, True, False), (2, True, False), (3, True, True), (0, False, True)])
def test_backup_takes_over(late, primary_active, takes):
    assert rules.backup_takes_over(late, primary_active) is takes


def test_board_order_is_level_then_days_overdue():
    rows = [(2, 30, date(2026, 1, 1), "a"), (4, 1, date(2026, 1, 9), "b"),
            (4, 9, date(2026, 1, 2), "c"), (3, 0, date(2026, 1, 11), "d")]
    ordered = sorted(rows, key=lambda r: rules.board_sort_key(*r))
    assert [r[3] for r in ordered] == ["c", "b", "d", "a"]


def test_content_hash_ignores_offset_spelling_and_order():
    base = {"elder_id": 1, "kind": "home_visit", "outcome": "met_well",
            "visited_at": datetime(2026, 5, 1, 2, 0), "needs": ["money", "meals"], "notes": "x "}
    same = dict(base, needs=["meals", "money"], notes="x")
    other = dict(base, outcome="no_answer")
    assert rules.content_hash(base) == rules.content_hash(same)
    assert rules.content_hash(base) != rules.content_hash(other)
