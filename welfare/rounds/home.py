"""The elder-gift rounds' part of the home work list: approvals for supervisors, freezing
and closing for clerks."""

from datetime import timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from welfare.auth import worklist
from welfare.auth.permissions import CLERKS, SUPERVISORS
from welfare.extensions import db
from welfare.rounds.models import Round, RoundBatch, RoundEntry
from welfare.web import show_quantity

FREEZE_AHEAD_DAYS = 30


def _people(round_id, batch=None):
    stmt = sa.select(sa.func.count(RoundEntry.id)).where(RoundEntry.round_id == round_id)
    if batch is not None:
        stmt = stmt.where(RoundEntry.batch == batch)
    return db.session.scalar(stmt) or 0


def _approvals(user, today):
    frozen = db.session.scalars(sa.select(Round).where(Round.status == "frozen")
                                .order_by(Round.payout_start)).all()
    for round_ in frozen:
        if user.id in (round_.prepared_by_id, round_.frozen_by_id):
            continue  # four eyes: another supervisor approves
        yield worklist.WorkItem(
            title=_("Approve the frozen roster of %(name)s", name=round_.name),
            count=1, link=url_for("rounds.show", round_id=round_.id),
            urgency=min(worklist.by_date(round_.payout_start, today, 14), worklist.SOON),
            deadline=round_.payout_start,
            detail=_("%(people)s on the roster. Payouts start on the deadline; the counter "
                     "cannot pay before approval.",
                     people=show_quantity(_people(round_.id), _("people"))))
    batches = db.session.execute(
        sa.select(RoundBatch, Round).join(Round, RoundBatch.round_id == Round.id)
        .where(RoundBatch.approved_at.is_(None), RoundBatch.number > 0,
               Round.status.in_(("frozen", "approved")))
        .order_by(RoundBatch.created_at)).all()
    for batch, round_ in batches:
        if batch.created_by_id == user.id:
            continue
        yield worklist.WorkItem(
            title=_("Approve supplementary list %(number)s of %(name)s",
                    number=batch.number, name=round_.name),
            count=1, link=url_for("rounds.changes", round_id=round_.id),
            urgency=worklist.SOON, deadline=round_.payout_end,
            detail=_("%(people)s on the list.",
                     people=show_quantity(_people(round_.id, batch.number), _("people"))))


def _clerk_work(today):
    drafts = db.session.scalars(sa.select(Round).where(
        Round.status == "draft",
        Round.payout_start <= today + timedelta(days=FREEZE_AHEAD_DAYS))).all()
    for round_ in drafts:
        yield worklist.WorkItem(
            title=_("Check and freeze the roster of %(name)s", name=round_.name), count=1,
            link=url_for("rounds.show", round_id=round_.id),
            urgency=min(worklist.by_date(round_.payout_start, today, 14), worklist.SOON),
            deadline=round_.payout_start,
            detail=_("A supervisor must approve it before payouts start."))
    approved = db.session.scalars(sa.select(Round).where(Round.status == "approved")).all()
    for round_ in approved:
        ends = round_.late_claim_end or round_.payout_end
        if ends < today:
            yield worklist.WorkItem(
                title=_("Close %(name)s: its claim period has ended", name=round_.name),
                count=1, link=url_for("rounds.close", round_id=round_.id),
                urgency=worklist.SOON, deadline=ends)


@worklist.provider
def round_work(user, now):
    today = worklist.local_day(now)
    if user.role in SUPERVISORS:
        return list(_approvals(user, today))
    if user.role in CLERKS:
        return list(_clerk_work(today))
    return []
