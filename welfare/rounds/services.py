"""Round writers: create, copy, edit rules, freeze, approve, supplementary lists, close."""

from dataclasses import replace

import sqlalchemy as sa
from flask_babel import gettext as _

from welfare.auth import audit, scope
from welfare.auth.models import User, utcnow
from welfare.auth.permissions import SUPERVISORS
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.roster.models import Person
from welfare.rounds import eligibility, households, queries
from welfare.rounds.models import Payout, Round, RoundBatch, RoundEntry
from welfare.rounds.round_data import check_round_data
from welfare.rounds.rules import (
    default_rules,
    default_window,
    festival_day,
)
from welfare.web import show_date

ROUND_FIELDS = ("name", "festival", "unit", "kind", "goods_name", "goods_unit", "year",
                "payout_start", "payout_end", "late_claim_end", "notes")


def new_round_data(festival, year):
    """Form defaults for a new round: Kaohsiung's rules and window for that year."""
    start, end, late = default_window(festival, year)
    return {"festival": festival, "year": year, "payout_start": start, "payout_end": end,
            "late_claim_end": late, "rules": default_rules(festival, year)}


def create_round(data, actor, copied_from=None):
    """Start a draft round with its rules stored as data."""
    check_round_data(data)
    round_ = Round(**{k: data[k] for k in ROUND_FIELDS if k in data},
                   rules_data=data["rules"].to_json(), prepared_by_id=actor.id,
                   copied_from_id=getattr(copied_from, "id", None))
    round_.name = round_.name.strip()
    db.session.add(round_)
    db.session.flush()
    audit.record("create", actor=actor, entity=round_, summary=round_.name,
                 after={"rules": round_.rules_data})
    return round_


def copy_round(source, actor, name, year):
    """A new draft with an earlier round's rules. Age and residence cut-offs move by whole
    years; the payout window and the still-registered date move with the festival, whose
    date changes from year to year (the lunar festivals)."""
    years = year - source.year
    days = festival_day(source.festival, year) - festival_day(source.festival, source.year)
    rules = source.rules

    def by_years(day):
        if not day:
            return day
        try:
            return day.replace(year=day.year + years)
        except ValueError:  # 29 February
            return day.replace(year=day.year + years, day=28)

    def with_festival(day):
        return day + days if day else day

    moved = replace(
        rules, reference_date=by_years(rules.reference_date),
        born_by={g: by_years(d) for g, d in rules.born_by.items()},
        registered_by=by_years(rules.registered_by),
        still_registered_on=with_festival(rules.still_registered_on))
    data = {"name": name, "festival": source.festival, "unit": source.unit, "year": year,
            "kind": source.kind, "goods_name": source.goods_name,
            "goods_unit": source.goods_unit,
            "payout_start": with_festival(source.payout_start),
            "payout_end": with_festival(source.payout_end),
            "late_claim_end": with_festival(source.late_claim_end), "notes": source.notes,
            "rules": moved}
    return create_round(data, actor, copied_from=source)


def update_round(round_, data, actor):
    """Change a draft round's dates or rules; frozen rounds cannot change."""
    if round_.status != "draft":
        raise ServiceError(_("Only a draft round can be changed; this one is frozen."))
    check_round_data(data)
    before = audit.snapshot(round_, ROUND_FIELDS) | {"rules": round_.rules_data}
    for key in ROUND_FIELDS:
        if key in data:
            setattr(round_, key, data[key])
    round_.rules_data = data["rules"].to_json()
    db.session.flush()
    old, new = audit.changed(before, audit.snapshot(round_, ROUND_FIELDS)
                             | {"rules": round_.rules_data})
    if new:
        audit.record("update", actor=actor, entity=round_, summary=round_.name, before=old,
                     after=new)
    return round_


@scope.sees_everything
def freeze_round(round_, actor, on_chunk=None, chunk_size=100_000):
    """Snapshot the eligible roster as it will be printed: INSERT ... SELECT on the
    server, in ranges of person ids so a big round can report progress."""
    locked = db.session.scalar(sa.select(Round).where(Round.id == round_.id).with_for_update())
    if locked.status != "draft":
        raise ServiceError(_("This round is already frozen."))
    rules = round_.rules
    dialect = db.session.get_bind().dialect.name
    low, high = db.session.execute(sa.select(sa.func.min(Person.id), sa.func.max(Person.id))).one()
    chunks = [] if low is None else list(range(low, high + 1, chunk_size))
    if round_.by_household:
        households.insert_entries(round_, rules)
        chunks = []
    for index, start in enumerate(chunks, 1):
        db.session.execute(eligibility.insert_entries(
            round_, rules, dialect, extra=(Person.id.between(start, start + chunk_size - 1),)))
        if on_chunk:
            on_chunk(index, len(chunks))
    db.session.add(RoundBatch(round_id=round_.id, number=0, created_by_id=actor.id))
    round_.status, round_.frozen_by_id, round_.frozen_at = "frozen", actor.id, utcnow()
    db.session.flush()
    people, amount = db.session.execute(
        sa.select(sa.func.count(RoundEntry.id), sa.func.coalesce(sa.func.sum(
            sa.func.coalesce(RoundEntry.quantity, RoundEntry.amount)), 0))
        .where(RoundEntry.round_id == round_.id)).one()
    counted = {"households" if round_.by_household else "people": people}
    audit.record("freeze", actor=actor, entity=round_, summary=round_.name,
                 after=counted | {"quantity" if round_.pays_goods else "amount": int(amount)})
    return people, int(amount)


def freeze_job(job_id, round_id, actor_id):
    """Background freeze (welfare.jobs): progress per village."""
    from welfare.jobs import progress

    round_ = db.session.get(Round, round_id)
    actor = db.session.get(User, actor_id)
    # SQLite allows one writer: progress from a second connection would wait for the freeze.
    report = None if db.engine.dialect.name == "sqlite" else (
        lambda done, total: progress(job_id, done, total))
    people, amount = freeze_round(round_, actor, on_chunk=report)
    if round_.pays_goods:
        return {"message": _("Frozen: %(n)s people, %(goods)s.", n=format(people, ","),
                             goods=round_.goods_text(amount))}
    return {"message": _("Frozen: %(n)s people, NT$%(amount)s.", n=format(people, ","),
                         amount=format(amount, ","))}


def _require_approver(round_, actor, created_by_ids):
    if actor.role not in SUPERVISORS:
        raise ServiceError(_("Only a supervisor can approve a roster."))
    if actor.id in created_by_ids:
        raise ServiceError(_("You prepared this roster, so another supervisor must approve it."))


def approve_round(round_, actor):
    """A supervisor who did not prepare or freeze the round approves its frozen roster."""
    if round_.status != "frozen":
        raise ServiceError(_("Only a frozen round waiting for approval can be approved."))
    _require_approver(round_, actor, {round_.prepared_by_id, round_.frozen_by_id})
    batch = db.session.scalar(sa.select(RoundBatch).where(
        RoundBatch.round_id == round_.id, RoundBatch.number == 0))
    round_.status, round_.approved_by_id, round_.approved_at = "approved", actor.id, utcnow()
    batch.approved_by_id, batch.approved_at = actor.id, round_.approved_at
    db.session.flush()
    audit.record("approve", actor=actor, entity=round_, summary=round_.name)
    return round_


def add_supplementary(round_, person_ids, actor):
    """Add people who became eligible after the freeze as a new batch awaiting approval."""
    if round_.status not in ("frozen", "approved"):
        raise ServiceError(_("A supplementary list needs a frozen, open round."))
    if not person_ids:
        raise ServiceError(_("No one new to add."))
    number = (db.session.scalar(sa.select(sa.func.max(RoundBatch.number))
                                .where(RoundBatch.round_id == round_.id)) or 0) + 1
    dialect = db.session.get_bind().dialect.name
    db.session.execute(eligibility.insert_entries(
        round_, round_.rules, dialect, batch=number,
        extra=(eligibility.Person.id.in_(person_ids),
               eligibility.Person.id.not_in(sa.select(RoundEntry.person_id)
                                            .where(RoundEntry.round_id == round_.id)))))
    batch = RoundBatch(round_id=round_.id, number=number, created_by_id=actor.id)
    db.session.add(batch)
    db.session.flush()
    added = db.session.scalar(sa.select(sa.func.count(RoundEntry.id)).where(
        RoundEntry.round_id == round_.id, RoundEntry.batch == number))
    audit.record("supplement", actor=actor, entity=round_, summary=f"{round_.name} #{number}",
                 after={"batch": number, "people": added})
    return batch


def approve_batch(batch, actor, expected=None):
    """A supervisor who did not draw up a supplementary list approves it: the list as the
    check page showed it, (count, amount) in `expected` (a household list can still grow)."""
    if batch.approved_at:
        raise ServiceError(_("This list is already approved."))
    _require_approver(batch.round, actor, {batch.created_by_id})
    if expected is not None:
        db.session.scalar(sa.select(RoundBatch.id).where(RoundBatch.id == batch.id)
                          .with_for_update())
        if tuple(expected) != queries.totals(batch.round_id, batch.number):
            raise ServiceError(_("This list has changed since you opened it; check it again."))
    batch.approved_by_id, batch.approved_at = actor.id, utcnow()
    db.session.flush()
    audit.record("approve_batch", actor=actor, entity=batch.round,
                 summary=f"{batch.round.name} #{batch.number}")
    return batch


def hold_entries(round_, changes, actor):
    """Hold payouts for frozen people who have since died or moved out (the change report's
    button, for changes keyed by hand; imported changes hold at once: rounds.feeds)."""
    entry = RoundEntry.__table__
    held = 0
    for row, person in changes:
        if row.hold is None and person.status in ("deceased", "moved_out"):
            held += db.session.execute(
                sa.update(entry).where(entry.c.id == row.id, entry.c.hold.is_(None))
                .values(hold=person.status, hold_on=person.status_date,
                        hold_note=_("Held from the change report"))).rowcount
    db.session.expire_all()
    if held:
        audit.record("hold", actor=actor, entity=round_, summary=f"{round_.name}: {held}")
    return held


def close_round(round_, actor, today, early=False):
    """After late claims end (or earlier, if asked): everyone without an outcome,
    or only 未遇, is forfeited."""
    if round_.status != "approved":
        raise ServiceError(_("Only an approved round can be closed."))
    if round_.late_claim_end and today <= round_.late_claim_end and not early:
        raise ServiceError(("early", _("Late claims are open until %(day)s; tick the box to "
                                       "close the round early anyway.",
                                       day=show_date(round_.late_claim_end))))
    now = utcnow()
    db.session.execute(
        sa.update(Payout).where(Payout.round_id == round_.id, Payout.reversed_at.is_(None),
                                Payout.outcome == "not_found")
        .values(reversed_at=now, reversed_by_id=actor.id,
                reversal_reason="round closed: unclaimed"))
    effective = sa.select(Payout.entry_id).where(Payout.round_id == round_.id,
                                                 Payout.reversed_at.is_(None))
    unclaimed = sa.select(
        sa.literal(round_.id), RoundEntry.id, sa.literal("forfeited"), sa.literal(0),
        sa.literal(today), sa.literal(actor.id), sa.literal(now), sa.literal("close"),
        sa.literal(False), sa.literal(""), sa.literal(""), sa.literal(""), sa.literal(False),
        sa.literal(""), sa.literal(""),
    ).where(RoundEntry.round_id == round_.id, RoundEntry.id.not_in(effective))
    db.session.execute(sa.insert(Payout).from_select(
        ["round_id", "entry_id", "outcome", "amount", "paid_on", "recorded_by_id",
         "recorded_at", "source", "late_claim", "proxy_name", "proxy_id_number",
         "proxy_relationship", "seal_checked", "note", "reversal_reason"], unclaimed))
    round_.status, round_.closed_by_id, round_.closed_at = "closed", actor.id, now
    db.session.flush()
    forfeited = db.session.scalar(sa.select(sa.func.count(Payout.id)).where(
        Payout.round_id == round_.id, Payout.outcome == "forfeited"))
    audit.record("close", actor=actor, entity=round_, summary=round_.name,
                 after={"forfeited": forfeited})
    return forfeited
