"""Gift-round entries and their outcomes for a person's history (roster.history)."""

import sqlalchemy as sa
from flask_babel import gettext as _

from welfare.extensions import db
from welfare.roster.history import SOURCES, Event
from welfare.roster.models import HouseholdMember
from welfare.rounds.forms import (
    FESTIVAL_LABELS,
    GOODS_HEAD_LABEL,
    GOODS_OUTCOME_LABELS,
    HEAD_LABEL,
    OUTCOME_LABELS,
)
from welfare.rounds.models import Payout, Round, RoundEntry
from welfare.web import show_date, show_year


def entries_of(person_id):
    """(entry, round, effective payout or None) for every round the person is on."""
    # Payout itself, not an alias: the village scope's criteria name the table.
    household = sa.select(HouseholdMember.household_id).where(
        HouseholdMember.person_id == person_id)
    return db.session.execute(
        sa.select(RoundEntry, Round, Payout)
        .join(Round, Round.id == RoundEntry.round_id)
        .outerjoin(Payout, sa.and_(Payout.entry_id == RoundEntry.id, Payout.reversed_at.is_(None)))
        .where(sa.or_(RoundEntry.person_id == person_id,
                      RoundEntry.household_id.in_(household)))
        .order_by(Round.payout_start.desc())).all()


def _detail(entry, payout, round_):
    if round_.pays_goods:
        parts = [round_.goods_text(entry.quantity or 0)] if payout.paid else []
    else:
        parts = [_("NT$%(amount)s", amount=f"{payout.amount:,}")] if payout.paid else []
    if payout.outcome == "proxy":
        parts.append(_("collected by %(name)s (%(relationship)s)", name=payout.proxy_name,
                       relationship=payout.proxy_relationship))
    if payout.late_claim:
        parts.append(_("late claim"))
    if payout.note:
        parts.append(payout.note)
    return "；".join(str(p) for p in parts)


def round_events(person, viewer):
    for entry, round_, payout in entries_of(person.id):
        festival = FESTIVAL_LABELS.get(round_.festival, round_.festival)
        code = payout.outcome if payout else "none"
        outcome = OUTCOME_LABELS[code]
        if round_.pays_goods:
            outcome = GOODS_OUTCOME_LABELS.get(code, outcome)
        if entry.household_id and code == "elder":
            outcome = GOODS_HEAD_LABEL if round_.pays_goods else HEAD_LABEL
        extra = {"round": round_.name, "amount": entry.amount, "payment": round_.kind,
                 **({"quantity": entry.quantity} if round_.pays_goods else {}),
                 "outcome": payout.outcome if payout else None}
        if payout is not None:
            extra["recorded_by"] = payout.recorded_by.display_name if payout.recorded_by else ""
            if payout.outcome == "proxy":
                extra["proxy"] = {"name": payout.proxy_name,
                                  "relationship": payout.proxy_relationship}
        title = _("%(year)s %(festival)s: %(outcome)s", year=show_year(round_.year),
                  festival=festival, outcome=outcome)
        if entry.household_id:  # a household round names itself (歲末送溫情...)
            extra["household_head"] = entry.name
            title = _("%(round)s (household of %(head)s): %(outcome)s", round=round_.name,
                      head=entry.name, outcome=outcome)
        yield Event("round", payout.paid_on if payout else round_.payout_start, title,
                    detail=_detail(entry, payout, round_) if payout else _pending(entry, round_),
                    by=extra.get("recorded_by", ""), extra=extra)


def _pending(entry, round_):
    if round_.pays_goods:
        return _("%(goods)s, to be handed over %(start)s to %(end)s",
                 goods=round_.goods_text(entry.quantity or 0),
                 start=show_date(round_.payout_start), end=show_date(round_.payout_end))
    return _("NT$%(amount)s, payable %(start)s to %(end)s", amount=f"{entry.amount:,}",
             start=show_date(round_.payout_start), end=show_date(round_.payout_end))


SOURCES.append(round_events)
