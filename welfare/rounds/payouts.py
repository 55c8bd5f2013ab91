"""Payout writers: record one outcome per person, reverse with a reason, bank transfers."""

from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from welfare.auth import audit
from welfare.auth.models import utcnow
from welfare.core import idno
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.rounds.models import Payout, RoundBatch, RoundEntry
from welfare.rounds.rules import PAID_OUTCOMES, RECORDABLE, can_supersede, claim_window


class AlreadyRecorded(ServiceError):
    """Someone else recorded an outcome for this person first."""


def effective_payout(entry_id):
    return db.session.scalar(sa.select(Payout).where(Payout.entry_id == entry_id,
                                                     Payout.reversed_at.is_(None)))


def proxy_errors(proxy, elder_id_number):
    """Field errors for a proxy: name, a valid ID number not the elder's, relationship, seal."""
    errors = []
    if not (proxy.get("name") or "").strip():
        errors.append(("proxy_name", _("Enter the proxy's name.")))
    number = idno.normalise(proxy.get("id_number"))
    if not idno.is_valid(number):
        errors.append(("proxy_id_number",
                       _("The proxy's ID number is not valid; check it against the ID card.")))
    elif number == elder_id_number:
        errors.append(("proxy_id_number", _("The proxy cannot be the elder.")))
    if not (proxy.get("relationship") or "").strip():
        errors.append(("proxy_relationship", _("Enter how the proxy is related to the elder.")))
    if not proxy.get("seal_checked"):
        errors.append(("seal_checked",
                       _("Check both ID cards and the elder's seal or signed authorisation.")))
    return errors


def _check(entry, outcome, on, proxy):
    round_ = entry.round
    if round_.status != "approved":
        raise ServiceError(_("Payouts can be recorded only after a supervisor approves the "
                             "round, and not after it is closed."))
    if entry.batch:
        batch = db.session.scalar(sa.select(RoundBatch).where(
            RoundBatch.round_id == round_.id, RoundBatch.number == entry.batch))
        if batch is None or batch.approved_at is None:
            raise ServiceError(_("This person is on a supplementary list that is not approved "
                                 "yet."))
    if outcome not in RECORDABLE:
        raise ServiceError(("outcome", _("Choose an outcome.")))
    window = claim_window(on, round_.payout_start, round_.payout_end, round_.late_claim_end)
    if window == "early":
        raise ServiceError(("paid_on", _("The payout window has not opened yet.")))
    if window == "closed":
        raise ServiceError(("paid_on", _("The claim period has ended.")))
    if outcome in PAID_OUTCOMES:
        person = entry.person
        if entry.hold or person.status != "registered":
            raise ServiceError(_("Payout held: this person has died or moved out since the "
                                 "roster was frozen. Record that outcome instead."))
    if outcome == "bank" and not entry.bank_account:
        raise ServiceError(("outcome", _("There is no bank account on file for this person.")))
    if outcome == "proxy":
        errors = proxy_errors(proxy or {}, entry.id_number)
        if errors:
            raise ServiceError(*errors)
    return window


def record_payout(entry, outcome, actor, on=None, proxy=None, note="", source="counter"):
    """Record the one outcome for this person; a 未遇 may be superseded by a later claim."""
    on = on or date.today()
    window = _check(entry, outcome, on, proxy)
    current = effective_payout(entry.id)
    if current is not None:
        if not can_supersede(current.outcome) or outcome == current.outcome:
            raise AlreadyRecorded(_("Already recorded for %(name)s: %(outcome)s on %(day)s.",
                                    name=entry.name, outcome=current.outcome,
                                    day=current.paid_on.isoformat()))
        _reverse(current, actor, _("superseded by a later claim"))
    proxy = proxy or {}
    payout = Payout(
        round_id=entry.round_id, entry_id=entry.id, outcome=outcome,
        amount=entry.amount if outcome in PAID_OUTCOMES else 0, paid_on=on,
        late_claim=window == "late", recorded_by_id=actor.id, note=(note or "")[:200],
        source=source, proxy_name=(proxy.get("name") or "").strip() if outcome == "proxy" else "",
        proxy_id_number=idno.normalise(proxy.get("id_number")) if outcome == "proxy" else "",
        proxy_relationship=(proxy.get("relationship") or "").strip() if outcome == "proxy" else "",
        seal_checked=bool(proxy.get("seal_checked")) or outcome in ("elder", "bank"),
    )
    try:
        with db.session.begin_nested():
            db.session.add(payout)
    except IntegrityError as exc:
        # The partial unique index: another clerk recorded this person a moment ago.
        raise AlreadyRecorded(_("Someone else has just recorded an outcome for %(name)s.",
                                name=entry.name)) from exc
    audit.record("payout", actor=actor, entity=payout, summary=f"{entry.name} {outcome}",
                 after={"entry_id": entry.id, "outcome": outcome, "amount": payout.amount})
    return payout


def _reverse(payout, actor, reason):
    result = db.session.execute(
        sa.update(Payout).where(Payout.id == payout.id, Payout.reversed_at.is_(None))
        .values(reversed_at=utcnow(), reversed_by_id=actor.id, reversal_reason=reason[:200]))
    if result.rowcount != 1:
        raise AlreadyRecorded(_("Someone else has just changed this outcome."))
    db.session.expire(payout)


def reverse_payout(payout, reason, actor):
    """Undo a recorded outcome with a reason; the row stays, marked reversed."""
    if not (reason or "").strip():
        raise ServiceError(("reason", _("Say why this outcome is being reversed.")))
    if payout.reversed_at is not None:
        raise ServiceError(_("This outcome was already reversed."))
    if payout.entry.round.status != "approved":
        raise ServiceError(_("Outcomes of a closed round cannot be changed."))
    _reverse(payout, actor, reason.strip())
    audit.record("reverse", actor=actor, entity=payout, summary=reason.strip()[:300],
                 before={"outcome": payout.outcome, "amount": payout.amount})
    return payout


def record_bank_transfers(round_, bank, actor, on):
    """The bank confirmed the transfer file: everyone on it without an outcome is paid."""
    effective = sa.select(Payout.entry_id).where(Payout.round_id == round_.id,
                                                 Payout.reversed_at.is_(None))
    entries = db.session.scalars(sa.select(RoundEntry).where(
        RoundEntry.round_id == round_.id, RoundEntry.bank == bank, RoundEntry.hold.is_(None),
        RoundEntry.id.not_in(effective))).all()
    count = 0
    for entry in entries:
        try:
            record_payout(entry, "bank", actor, on=on, source="bank")
        except AlreadyRecorded:
            continue
        count += 1
    return count
