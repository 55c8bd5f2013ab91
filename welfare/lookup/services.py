"""The lookup itself: throttled per client address, every attempt audited."""

from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa

from welfare.auth import audit, scope
from welfare.auth.models import AuditLog, utcnow
from welfare.extensions import db
from welfare.inquiries import queries as inquiry_queries
from welfare.lookup import queries, rules

FOUND, MISSED, REFUSED = "lookup", "lookup_miss", "lookup_throttled"


@dataclass
class Answer:
    person: object = None
    entries: list = field(default_factory=list)
    inquiries: list = field(default_factory=list)


def recent_misses(address, window_minutes, now=None):
    """Failed lookups from this address in the window (counted from the audit log)."""
    since = (now or utcnow()) - timedelta(minutes=window_minutes)
    return db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(
        AuditLog.action == MISSED, AuditLog.ip == address[:45], AuditLog.at > since))


def is_throttled(address, max_failures, window_minutes):
    """True when this address failed too often lately; the refusal is audited."""
    with scope.unrestricted():
        if not rules.throttled(recent_misses(address, window_minutes), max_failures):
            return False
    audit.record("lookup_throttled", summary="public lookup refused: too many failed tries")
    return True


def look_up(id_number, birth_date, today):
    """The person's open entries with their plain status, or an empty answer for any miss
    (unknown number and wrong birth date alike). Audited either way."""
    with scope.unrestricted():
        person = queries.person_matching(id_number, birth_date)
        if person is None:
            audit.record("lookup_miss", summary="public lookup: no match")
            return Answer()
        entries = [(round_, _status(entry, round_, payout, today))
                   for entry, round_, payout in queries.open_entries(person.id)]
        inquiries = inquiry_queries.about_person(person.id, open_only=True)
        audit.record("lookup", entity=person, summary="public lookup")
    return Answer(person=person, entries=entries, inquiries=inquiries)


def _status(entry, round_, payout, today):
    return rules.entry_status(
        payout.outcome if payout else None, payout.paid_on if payout else None, entry.hold,
        entry.bank, entry.bank_account, round_.payout_start, round_.payout_end,
        round_.late_claim_end, today)
