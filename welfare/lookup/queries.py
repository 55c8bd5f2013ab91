"""Read-only selects for the public lookup; run unrestricted (the citizen proved who they
are with the birth date), so each select names the one person it is about."""

import sqlalchemy as sa

from welfare.extensions import db
from welfare.roster.models import Person
from welfare.rounds.models import Payout, Round, RoundEntry


def person_matching(id_number, birth_date):
    """The person with this ID number and birth date, or None: one select for both, so an
    unknown number and a wrong date cost the same."""
    return db.session.scalar(sa.select(Person).where(
        Person.id_number == id_number, Person.birth_date == birth_date,
        Person.merged_into_id.is_(None)))


def open_entries(person_id):
    """(entry, round, effective payout or None) on rounds paying out now."""
    payout = sa.orm.aliased(Payout)
    return db.session.execute(
        sa.select(RoundEntry, Round, payout)
        .join(Round, Round.id == RoundEntry.round_id)
        .outerjoin(payout, sa.and_(payout.entry_id == RoundEntry.id,
                                   payout.reversed_at.is_(None)))
        .where(RoundEntry.person_id == person_id, Round.status == "approved")
        .order_by(Round.payout_start.desc())).all()
