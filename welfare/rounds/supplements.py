"""Household rounds' supplementary lists (補發清冊): find a household in scope, see why the
frozen roster left it out, add it with a reason to a list that another supervisor approves.
The lists are the person rounds' batches (RoundBatch): counter, sheets, reconciliation and
close treat their entries as they treat any other."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from welfare.auth import audit
from welfare.core import idno
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.roster.models import Household, HouseholdMember, HouseholdMove, Person
from welfare.rounds import households
from welfare.rounds.amend_models import SupplementaryHousehold
from welfare.rounds.forms import status_label
from welfare.rounds.models import Round, RoundBatch, RoundEntry
from welfare.web import show_date


@dataclass
class Found:
    household: Household
    entry: RoundEntry | None
    candidate: object
    why: list


def not_paid_reason(code):
    """The office's words for a household the round's rules leave out."""
    return {
        "no_members": _("No registered member on the round's reference date."),
        "no_status": _("No status the round includes on its reference date."),
        "other_programme": _("In a programme the round excludes."),
        "other_round": _("On a round this round excludes."),
        "paid_elsewhere": _("Already paid in a round this round excludes."),
        "no_tier": _("No amount applies to this household."),
    }.get(code, code)


def search(round_, text, limit=20):
    """Households in the acting user's villages matching a household number, a member's ID
    number or name, or an address; each with its entry on this round (if any), what the
    rules say today and why the frozen roster left it out."""
    text = (text or "").strip()
    if not text:
        return []
    number = idno.normalise(text)
    members = sa.select(HouseholdMember.household_id).join(
        Person, Person.id == HouseholdMember.person_id)
    clauses = [Household.household_no == text,
               Household.id.in_(members.where(Person.id_number == number))]
    if len(text) >= 2:
        clauses += [Household.id.in_(members.where(Person.name.contains(text, autoescape=True))),
                    Household.address.contains(text, autoescape=True)]
    found = db.session.scalars(sa.select(Household).where(sa.or_(*clauses))
                               .order_by(Household.village_id, Household.address, Household.id)
                               .limit(limit)).unique().all()
    if not found:
        return []
    ids = [h.id for h in found]
    entries = {e.household_id: e for e in db.session.scalars(sa.select(RoundEntry).where(
        RoundEntry.round_id == round_.id, RoundEntry.household_id.in_(ids)))}
    assessed = {c.household.id: c for c in households.candidates(
        round_.rules, household_ids=ids, only_included=False)}
    return [Found(h, entries.get(h.id), assessed.get(h.id),
                  [] if h.id in entries else why_not_frozen(round_, h)) for h in found]


def why_not_frozen(round_, household):
    """What was recorded after the freeze that the frozen roster could not know."""
    frozen = round_.frozen_at
    why = []
    if household.created_at and frozen and household.created_at > frozen:
        why.append(_("The household was entered on %(day)s, after the roster was frozen.",
                     day=show_date(household.created_at.date())))
    for status in household.statuses:
        if frozen and status.created_at and status.created_at > frozen:
            key = "low_income" if status.kind == "low" else "mid_low_income"
            why.append(_("%(status)s (from %(start)s) was recorded on %(day)s, after the "
                         "roster was frozen.", status=status_label(key),
                         start=show_date(status.certified_from),
                         day=show_date(status.created_at.date())))
    moves = db.session.execute(
        sa.select(Person.name, HouseholdMove.moved_at)
        .join(Person, Person.id == HouseholdMove.person_id)
        .where(HouseholdMove.to_household_id == household.id,
               HouseholdMove.moved_at > frozen)).all() if frozen else []
    for name, moved_at in moves:
        why.append(_("%(name)s joined the household on %(day)s, after the roster was frozen.",
                     name=name, day=show_date(moved_at.date())))
    if not why:
        why.append(_("Nothing recorded after the freeze explains it: check the household's "
                     "status periods and members against the round's rules."))
    return why


def _open_batch(round_, actor):
    """The actor's list still awaiting approval, else a new one (locked: approving it waits)."""
    batch = db.session.scalar(
        sa.select(RoundBatch).where(RoundBatch.round_id == round_.id, RoundBatch.number > 0,
                                    RoundBatch.created_by_id == actor.id,
                                    RoundBatch.approved_at.is_(None))
        .order_by(RoundBatch.number.desc()).limit(1).with_for_update())
    if batch is not None:
        return batch
    number = (db.session.scalar(sa.select(sa.func.max(RoundBatch.number))
                                .where(RoundBatch.round_id == round_.id)) or 0) + 1
    batch = RoundBatch(round_id=round_.id, number=number, created_by_id=actor.id)
    db.session.add(batch)
    db.session.flush()
    return batch


def add_household(round_, household, reason, actor):
    """Add a household found eligible after the freeze to the actor's open supplementary
    list, with the reason; returns its new entry."""
    reason = (reason or "").strip()
    if not round_.by_household or round_.status not in ("frozen", "approved"):
        raise ServiceError(_("A supplementary list needs a frozen, open round."))
    if not reason:
        raise ServiceError(("reason", _("Say why this household is added after the freeze.")))
    db.session.scalar(sa.select(Round.id).where(Round.id == round_.id).with_for_update())
    on_round = db.session.scalar(sa.select(RoundEntry.batch).where(
        RoundEntry.round_id == round_.id, RoundEntry.household_id == household.id))
    if on_round is not None:
        raise ServiceError(_("This household is already on the round."))
    found = households.candidates(round_.rules, [household.id], only_included=False)
    candidate = found[0] if found else None
    if candidate is None or not candidate.assessment.eligible:
        code = candidate.assessment.reason if candidate else "no_members"
        raise ServiceError(_("Under the round's rules this household is not paid: %(why)s",
                             why=not_paid_reason(code)))
    batch = _open_batch(round_, actor)
    try:
        with db.session.begin_nested():
            households.insert_entries(round_, round_.rules, batch.number, [household.id])
    except sa.exc.IntegrityError as exc:
        # uq_gift_round_entries_household: another clerk added it a moment ago.
        raise ServiceError(_("This household is already on the round.")) from exc
    entry = db.session.scalar(sa.select(RoundEntry).where(
        RoundEntry.round_id == round_.id, RoundEntry.household_id == household.id))
    db.session.add(SupplementaryHousehold(round_id=round_.id, entry_id=entry.id,
                                          batch=batch.number, reason=reason[:300],
                                          added_by_id=actor.id))
    db.session.flush()
    audit.record("supplement", actor=actor, entity=round_,
                 summary=f"{round_.name} #{batch.number}：{entry.name}（{reason[:100]}）",
                 after={"batch": batch.number, "households": 1, "amount": entry.amount,
                        "household_id": household.id, "reason": reason[:300]},
                 village_id=entry.village_id)
    return entry


def of_batch(round_id, number):
    """[(entry, SupplementaryHousehold)] of one list, in sheet order (within scope)."""
    return db.session.execute(
        sa.select(RoundEntry, SupplementaryHousehold)
        .join(SupplementaryHousehold, SupplementaryHousehold.entry_id == RoundEntry.id)
        .where(RoundEntry.round_id == round_id, RoundEntry.batch == number)
        .order_by(RoundEntry.village_code, RoundEntry.address, RoundEntry.id)).all()


def of_entry(entry_id):
    return db.session.scalar(sa.select(SupplementaryHousehold).where(
        SupplementaryHousehold.entry_id == entry_id))
