"""Pure visit rules: codes, due dates, alerts, the escalation chain, sweep states."""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

KINDS = ("home_visit", "phone_call", "care_point", "message")
IN_PERSON_KINDS = ("home_visit", "care_point")
OUTCOMES = ("met_well", "met_concerns", "no_answer", "hospitalised", "moved", "deceased",
            "not_alone", "refused")
# The elder was reached: these count towards the contact schedule.
REACHED_OUTCOMES = ("met_well", "met_concerns", "not_alone", "refused")
NEEDS = ("meals", "medical", "home_safety", "money", "loneliness")
# The national 11-dimension assessment (MOHW): 身體狀況 ... 居家衛生安全.
ASSESSMENT = ("health", "self_care", "family", "neighbours", "information", "difficulties",
              "help_from", "worries", "wishes", "service_willingness", "home_safety")
ASSESSMENT_VALUES = ("ok", "concern")
ALERT_REASONS = ("no_answer", "concerns", "hospitalised", "deceased", "moved", "not_alone",
                 "needs_help")
# Outcomes that change the register, once staff confirm.
REGISTER_OUTCOMES = ("deceased", "moved", "not_alone")
SWEEP_STATES = ("pending", "checked", "unreachable", "needs_help")
CLOSE_OUTCOMES = ("found_well", "needs_follow_up", "hospitalised", "deceased", "moved",
                  "not_alone", "false_alarm")
BACKUP_AFTER_DAYS = 3
SOON_DAYS = 3

# care level -> (interval days, contacts a month, counted kinds, in person at least every n days)
DEFAULT_RULES = {
    1: (365, 0, KINDS, None),
    2: (30, 1, ("home_visit", "phone_call", "care_point"), 90),
    3: (15, 2, ("home_visit", "phone_call", "care_point"), 30),
    4: (7, 4, ("home_visit", "phone_call", "care_point"), 14),
}

# reason -> steps (code, hours to act, who owns the step); the last step has no deadline.
ESCALATION = {
    "no_answer": (("recheck", 3, "volunteer"), ("staff", 2, "staff"),
                  ("emergency_contact", 2, "staff"), ("village_chief", 2, "staff"),
                  ("emergency_services", None, "staff")),
    "concerns": (("staff", 48, "staff"),),
    "hospitalised": (("staff", 24, "staff"),),
    "deceased": (("confirm", 24, "staff"),),
    "moved": (("confirm", 72, "staff"),),
    "not_alone": (("confirm", 72, "staff"),),
    "needs_help": (("staff", 4, "staff"),),
}


@dataclass(frozen=True)
class Rule:
    care_level: int
    interval_days: int
    counted_kinds: tuple
    in_person_every_days: int | None = None
    contacts_per_month: int = 1


class Schedule(NamedTuple):
    """A tuple, not a dataclass: the board builds one per elder (thousands per page view)."""

    due_on: date
    overdue_days: int
    status: str  # overdue, due, soon, ok
    reason: str  # contact, in_person, first


def default_rule(level):
    """The DOMAIN.md minimum for a care level."""
    interval, per_month, kinds, in_person = DEFAULT_RULES[level]
    return Rule(level, interval, tuple(kinds), in_person, per_month)


def last_contacts(last_by_kind, rule):
    """(last counted contact, last in-person contact) from {kind: last reached date}."""
    counted = [d for k, d in last_by_kind.items() if d and k in rule.counted_kinds]
    in_person = [d for k, d in last_by_kind.items() if d and k in IN_PERSON_KINDS]
    return (max(counted) if counted else None, max(in_person) if in_person else None)


def schedule(rule, start_on, last_contact_on, last_in_person_on, today):
    """When the next contact is due and how many days late it is."""
    if last_contact_on is None:
        due_on, reason = start_on, "first"
    else:
        due_on, reason = last_contact_on + timedelta(days=rule.interval_days), "contact"
    if rule.in_person_every_days and last_contact_on is not None:
        base = last_in_person_on or start_on
        in_person_due = base + timedelta(days=rule.in_person_every_days)
        if in_person_due < due_on:
            due_on, reason = in_person_due, "in_person"
    overdue = max(0, (today - due_on).days)
    if today > due_on:
        status = "overdue"
    elif today == due_on:
        status = "due"
    elif (due_on - today).days <= SOON_DAYS:
        status = "soon"
    else:
        status = "ok"
    return Schedule(due_on, overdue, status, reason)


def counts_as_contact(kind, outcome, rule):
    """A reached elder, by a kind of contact this level accepts."""
    return outcome in REACHED_OUTCOMES and kind in rule.counted_kinds


def board_sort_key(care_level, overdue_days, due_on, name):
    """Highest care level first, then the longest overdue, then the earliest due."""
    return (-care_level, -overdue_days, due_on, name)


def alert_reason(outcome, care_level, needs=(), referral=False):
    """Which alert a visit opens, or None."""
    if outcome == "no_answer":
        return "no_answer" if care_level >= 3 else None
    if outcome == "met_concerns":
        return "concerns"
    if outcome in ("hospitalised", "deceased", "moved", "not_alone"):
        return outcome
    if referral:
        return "needs_help"
    return None


def escalation_step(reason, opened_at, now):
    """(step index, deadline) for an alert left open since opened_at; None deadline at the top."""
    steps = ESCALATION[reason]
    deadline = opened_at
    for index, (_code, hours, _owner) in enumerate(steps):
        if hours is None:
            return index, None
        deadline = deadline + timedelta(hours=hours)
        if now < deadline or index == len(steps) - 1:
            return index, deadline
    return len(steps) - 1, None


def step_code(reason, step):
    return ESCALATION[reason][min(step, len(ESCALATION[reason]) - 1)][0]


def step_owner_kind(reason, step):
    return ESCALATION[reason][min(step, len(ESCALATION[reason]) - 1)][2]


def closes_alert(alert_reason_code, outcome):
    """A later visit that reached the elder closes an open no-answer alert."""
    return alert_reason_code == "no_answer" and outcome in REACHED_OUTCOMES


def sweep_state(outcome, needs=(), referral=False):
    """The safety-check state a visit gives during an emergency sweep."""
    if outcome == "no_answer":
        return "unreachable"
    if outcome == "met_well" and not needs and not referral:
        return "checked"
    if outcome in ("moved", "not_alone", "refused") and not needs and not referral:
        return "checked"
    return "needs_help"


def backup_takes_over(overdue_days, primary_active):
    """The backup volunteer gets the task when the primary is away or days late."""
    return not primary_active or overdue_days >= BACKUP_AFTER_DAYS


def share(part, whole):
    """A percentage rounded to one decimal; None when there is nothing to count."""
    return None if not whole else round(100.0 * part / whole, 1)


def canonical_visit(data):
    """The fields that make two submissions of one uuid the same record."""
    visited_at = data["visited_at"]
    if isinstance(visited_at, datetime):
        visited_at = visited_at.replace(microsecond=0).isoformat()
    return {
        "elder_id": int(data["elder_id"]), "kind": data["kind"], "outcome": data["outcome"],
        "visited_at": visited_at, "notes": (data.get("notes") or "").strip(),
        "duration_minutes": int(data.get("duration_minutes") or 0),
        "assessment": dict(sorted((data.get("assessment") or {}).items())),
        "needs": sorted(data.get("needs") or []), "referral": bool(data.get("referral")),
        "lat": data.get("lat"), "lng": data.get("lng"),
        "photo": hashlib.sha256((data.get("photo") or "").encode()).hexdigest()[:16]
        if data.get("photo") else "",
    }


def half_position(lat, lng):
    """A position with only one of latitude and longitude cannot be placed on a map."""
    return (lat is None) != (lng is None)


def content_hash(data):
    """A stable SHA-256 of the canonical visit."""
    text = json.dumps(canonical_visit(data), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
