"""Payout writers: record one outcome per person, reverse with a reason, bank transfers."""

import functools
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite

from welfare.auth import audit
from welfare.auth.models import AuditLog, utcnow
from welfare.core import idno
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.rounds import queries
from welfare.rounds.models import Payout, RoundEntry
from welfare.rounds.rules import PAID_OUTCOMES, RECORDABLE, can_supersede, claim_window
from welfare.web import show_date

PAYOUT_COLUMNS = ("round_id", "entry_id", "outcome", "amount", "paid_on", "late_claim",
                  "recorded_by_id", "recorded_at", "note", "source", "proxy_name",
                  "proxy_id_number", "proxy_relationship", "seal_checked", "reversal_reason")
LOG_COLUMNS = ("at", "user_id", "action", "entity_type", "summary", "before", "after", "ip",
               "village_id")


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


def held_message(reason, day=None):
    """Why the counter refuses to pay: the change and its date."""
    if reason == "deceased":
        if day:
            return _("Payout held: the household register records this person's death on "
                     "%(day)s. Do not pay; record the outcome “deceased” instead.",
                     day=show_date(day, "words"))
        return _("Payout held: the household register records this person's death. Do not "
                 "pay; record the outcome “deceased” instead.")
    if reason == "moved_out":
        if day:
            return _("Payout held: the household register records this person moving out of "
                     "the district on %(day)s. Do not pay; record the outcome “moved out” "
                     "instead.", day=show_date(day, "words"))
        return _("Payout held: the household register records this person moving out of the "
                 "district. Do not pay; record the outcome “moved out” instead.")
    return _("Payout held: this person has died or moved out since the roster was frozen. "
             "Record that outcome instead.")


def _check(claim, outcome, on, proxy):
    if claim.round_status != "approved":
        raise ServiceError(_("Payouts can be recorded only after a supervisor approves the "
                             "round, and not after it is closed."))
    if claim.batch and claim.batch_approved_at is None:
        raise ServiceError(_("This person is on a supplementary list that is not approved "
                             "yet."))
    if outcome not in RECORDABLE:
        raise ServiceError(("outcome", _("Choose an outcome.")))
    window = claim_window(on, claim.payout_start, claim.payout_end, claim.late_claim_end)
    if window == "early":
        raise ServiceError(("paid_on", _("The payout window has not opened yet.")))
    if window == "closed":
        raise ServiceError(("paid_on", _("The claim period has ended.")))
    if outcome in PAID_OUTCOMES and (claim.hold or claim.person_status != "registered"):
        raise ServiceError(held_message(claim.hold or claim.person_status, claim.hold_on))
    if outcome == "bank" and claim.kind == "goods":
        raise ServiceError(("outcome", _("Goods are handed over at the counter only, not by "
                                         "bank transfer.")))
    if outcome == "bank" and not claim.bank_account:
        raise ServiceError(("outcome", _("There is no bank account on file for this person.")))
    if outcome == "proxy":
        errors = proxy_errors(proxy or {}, claim.id_number)
        if errors:
            raise ServiceError(*errors)
    return window


def record_claim(claim, outcome, actor, on=None, proxy=None, note="", source="counter"):
    """Record the one outcome for the person of a `queries.claim` row and its audit record;
    a 未遇 may be superseded by a later claim. Returns the new payout's id."""
    on = on or date.today()
    window = _check(claim, outcome, on, proxy)
    if claim.current_id is not None:
        if not can_supersede(claim.current_outcome) or outcome == claim.current_outcome:
            raise AlreadyRecorded(_("Already recorded for %(name)s: %(outcome)s on %(day)s.",
                                    name=claim.name, outcome=claim.current_outcome,
                                    day=claim.current_paid_on.isoformat()))
        _reverse(claim.current_id, actor, _("superseded by a later claim"))
    seal_checked = bool((proxy or {}).get("seal_checked")) or outcome in ("elder", "bank")
    proxy = proxy if outcome == "proxy" else {}
    amount = claim.amount if outcome in PAID_OUTCOMES else 0
    payout = {
        "round_id": claim.round_id, "entry_id": claim.id, "outcome": outcome, "amount": amount,
        "paid_on": on, "late_claim": window == "late", "recorded_by_id": actor.id,
        "recorded_at": utcnow(), "note": (note or "")[:200], "source": source,
        "proxy_name": (proxy.get("name") or "").strip(),
        "proxy_id_number": idno.normalise(proxy.get("id_number")) if proxy else "",
        "proxy_relationship": (proxy.get("relationship") or "").strip(),
        "seal_checked": seal_checked,
        "reversal_reason": "",
    }
    log = audit.row_values("payout", actor.id, Payout.__tablename__, None,
                           f"{claim.name} {outcome}",
                           after={"entry_id": claim.id, "outcome": outcome, "amount": amount},
                           at=payout["recorded_at"], village_id=claim.village_id)
    del log["entity_id"]  # the new payout's id, filled in by the insert
    payout_id = _insert_with_audit(payout, log)
    if payout_id is None:
        # The partial unique index: another clerk recorded this person a moment ago.
        raise AlreadyRecorded(_("Someone else has just recorded an outcome for %(name)s.",
                                name=claim.name))
    return payout_id


def _insert_with_audit(payout, log):
    """INSERT the payout unless the person already has an effective one (the partial unique
    index decides, also between racing clerks), and its audit row; the new id or None."""
    connection = db.session.connection()
    dialect = connection.dialect.name
    params = payout | {f"log_{key}": value for key, value in log.items()}
    try:
        payout_id = connection.execute(_insert_statement(dialect), params).scalar()
    except sa.exc.IntegrityError as exc:
        if "gift_payouts_not_held" not in str(exc.orig):
            raise
        # The entry was held after it was read (a registry import committed in between):
        # the database's trigger refused the payout.
        raise ServiceError(held_message(None)) from exc
    if dialect == "postgresql":
        # One round trip: the audit row is inserted only if the payout row was.
        return payout_id
    if payout_id is not None:
        connection.execute(sa.insert(AuditLog.__table__), log | {"entity_id": payout_id})
    return payout_id


@functools.cache
def _insert_statement(dialect):
    # Built once with bound parameters: composing it costs more than running it.
    table, log = Payout.__table__, AuditLog.__table__
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    insert = insert.values({c: sa.bindparam(c, type_=table.c[c].type) for c in PAYOUT_COLUMNS})
    insert = insert.on_conflict_do_nothing(index_elements=[table.c.entry_id],
                                           index_where=table.c.reversed_at.is_(None))
    if dialect != "postgresql":
        return insert.returning(table.c.id)
    new = insert.returning(table.c.id).cte("new_payout")
    values = [sa.bindparam(f"log_{c}", type_=log.c[c].type) for c in LOG_COLUMNS]
    return (sa.insert(log).from_select([*LOG_COLUMNS, "entity_id"], sa.select(*values, new.c.id))
            .returning(log.c.entity_id))


def record_payout(entry, outcome, actor, on=None, proxy=None, note="", source="counter"):
    """Record the one outcome for this frozen row (see record_claim); returns the payout."""
    claim = queries.claim(entry.round_id, entry.id)
    payout_id = record_claim(claim, outcome, actor, on=on, proxy=proxy, note=note,
                             source=source)
    return db.session.get(Payout, payout_id)


def _reverse(payout_id, actor, reason):
    result = db.session.execute(
        sa.update(Payout).where(Payout.id == payout_id, Payout.reversed_at.is_(None))
        .values(reversed_at=utcnow(), reversed_by_id=actor.id, reversal_reason=reason[:200])
        .execution_options(synchronize_session=False))
    if result.rowcount != 1:
        raise AlreadyRecorded(_("Someone else has just changed this outcome."))
    loaded = db.session.identity_map.get(db.session.identity_key(Payout, payout_id))
    if loaded is not None:
        db.session.expire(loaded)


def reverse_payout(payout, reason, actor):
    """Undo a recorded outcome with a reason; the row stays, marked reversed."""
    if not (reason or "").strip():
        raise ServiceError(("reason", _("Say why this outcome is being reversed.")))
    if payout.reversed_at is not None:
        raise ServiceError(_("This outcome was already reversed."))
    if payout.entry.round.status != "approved":
        raise ServiceError(_("Outcomes of a closed round cannot be changed."))
    _reverse(payout.id, actor, reason.strip())
    audit.record("reverse", actor=actor, entity=payout, summary=reason.strip()[:300],
                 before={"outcome": payout.outcome, "amount": payout.amount})
    return payout


def record_bank_transfers(round_, bank, actor, on):
    """The bank confirmed the transfer file: everyone on it without an outcome is paid."""
    effective = sa.select(Payout.entry_id).where(Payout.round_id == round_.id,
                                                 Payout.reversed_at.is_(None))
    entries = db.session.scalars(sa.select(RoundEntry).where(
        RoundEntry.round_id == round_.id, RoundEntry.bank == bank, RoundEntry.hold.is_(None),
        RoundEntry.batch.in_(queries.approved_batches(round_.id)),
        RoundEntry.id.not_in(effective))).all()
    count = 0
    for entry in entries:
        try:
            record_claim(queries.claim(round_.id, entry.id), "bank", actor, on=on,
                         source="bank")
        except AlreadyRecorded:
            continue
        count += 1
    return count
