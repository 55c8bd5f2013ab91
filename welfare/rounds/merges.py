"""What the rounds do when two people are merged: the bank account on file and the round
entries move to the kept person. Two entries of one person on one round, or two accounts, are
a money question for a supervisor: the merge is refused until one is dealt with."""

import sqlalchemy as sa
from flask_babel import gettext as _

from welfare.extensions import db
from welfare.roster.merge_signals import follow_merges, merge_refusals
from welfare.rounds.models import BankAccount, Round, RoundEntry

COLUMNS = (BankAccount.person_id, RoundEntry.person_id)


def refusals(_sender, kept, merged):
    """Both on one round, or both with an account on file."""
    found = []
    kept_rounds = sa.select(RoundEntry.round_id).where(RoundEntry.person_id == kept.id)
    shared = db.session.scalars(
        sa.select(Round.name).join(RoundEntry, RoundEntry.round_id == Round.id)
        .where(RoundEntry.person_id == merged.id, RoundEntry.round_id.in_(kept_rounds))
        .order_by(Round.id)).all()
    if shared:
        found.append(_("Both records are on the round %(rounds)s: two entries of one person on "
                       "one round is for a supervisor to settle before the merge.",
                       rounds="、".join(shared)))
    accounts = db.session.scalar(sa.select(sa.func.count()).select_from(BankAccount)
                                 .where(BankAccount.person_id.in_((kept.id, merged.id))))
    if accounts > 1:
        found.append(_("Both records have a bank account on file: remove the wrong one "
                       "before the merge."))
    return found


merge_refusals.connect(refusals)
follow_merges(*COLUMNS)
