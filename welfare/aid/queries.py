"""Read-only selects for emergency aid: lists, the overdue list, a person's cases, statistics.
The session's scope narrows every select of cases and payments to the user's villages."""

from datetime import date
from types import SimpleNamespace
from typing import NamedTuple

import sqlalchemy as sa

from welfare.aid import rules
from welfare.aid.models import AidBankBatch, AidCase, AidCause, AidPayment, AidProgramme
from welfare.auth import holidays as office_calendar
from welfare.auth import scope
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.rounds.models import BankAccount
from welfare.web import village_name

VIEWS = ("open", "to_decide", "to_pay", "in_bank", "overdue", "to_recover", "all")


def programme():
    """The programme's limits (a default, unsaved row until an admin first sets them)."""
    return db.session.get(AidProgramme, 1) or AidProgramme(id=1, household_year_max=None)


def _same_household(case):
    """The condition for the cases of this case's household (its register household, else
    the applicant by person or ID number), or None when nothing identifies it."""
    if case.household_id is not None:
        return AidCase.household_id == case.household_id
    if case.person_id is not None:
        return AidCase.person_id == case.person_id
    if case.applicant_id_number:
        return AidCase.applicant_id_number == case.applicant_id_number
    return None


class Granted(NamedTuple):
    total: int  # granted to the household this year, in every village
    hidden: bool  # some of it in villages outside the acting user's scope


def granted_in_year(case):
    """What the case's household was granted in other cases applied for in the same year,
    wherever they were applied for, and whether the acting user may not see all of it."""
    same = _same_household(case)
    if same is None:
        return Granted(0, False)
    year = case.applied_on.year
    viewer = scope.current()
    with scope.unrestricted("the yearly limit is per household, across villages"):
        rows = db.session.execute(sa.select(
            AidCase.village_id, sa.func.coalesce(sa.func.sum(AidCase.approved_amount), 0))
            .where(same, AidCase.id != case.id, AidCase.status.in_(("approved", "paid")),
                   AidCase.applied_on.between(date(year, 1, 1), date(year, 12, 31)))
            .group_by(AidCase.village_id)).all()
    return Granted(sum(amount for _village, amount in rows),
                   any(amount and not viewer.allows_village(village) for village, amount in rows))


def causes(active_only=True):
    stmt = sa.select(AidCause).order_by(AidCause.id)
    if active_only:
        stmt = stmt.where(AidCause.active)
    return db.session.scalars(stmt).all()


def case_list(view, village_id, today, limit_days, page, per_page):
    """Cases for a list: open (not yet decided), to decide, to pay, overdue, or all."""
    stmt = sa.select(AidCase)
    if view == "open":
        stmt = stmt.where(AidCase.status.in_(rules.OPEN_STATUSES))
    elif view == "to_decide":
        stmt = stmt.where(AidCase.status == "assessed")
    elif view == "to_pay":
        stmt = stmt.where(AidCase.status == "approved", ~_has_effective_payment())
    elif view == "in_bank":
        stmt = stmt.where(AidCase.status == "approved", _has_effective_payment())
    elif view == "to_recover":
        stmt = stmt.where(sa.exists().where(AidPayment.case_id == AidCase.id,
                                            AidPayment.to_recover,
                                            AidPayment.recovered_on.is_(None)))
    elif view == "overdue":
        stmt = stmt.where(AidCase.status.in_(rules.OPEN_STATUSES),
                          AidCase.applied_on < rules.overdue_before(today, limit_days,
                                                                    holidays()))
    if village_id:
        stmt = stmt.where(AidCase.village_id == village_id)
    stmt = stmt.order_by(AidCase.applied_on, AidCase.id) if view != "all" else \
        stmt.order_by(AidCase.applied_on.desc(), AidCase.id.desc())
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def holidays():
    """The office's holidays (the admin's calendar): working-day counts skip them."""
    return office_calendar.office_holidays()


def _has_effective_payment():
    return sa.exists().where(AidPayment.case_id == AidCase.id, AidPayment.reversed_at.is_(None))


def overdue_count(today, limit_days):
    return db.session.scalar(sa.select(sa.func.count(AidCase.id)).where(
        AidCase.status.in_(rules.OPEN_STATUSES),
        AidCase.applied_on < rules.overdue_before(today, limit_days, holidays()))) or 0


def to_recover_count():
    """Reversed payments whose money is still to come back."""
    return db.session.scalar(sa.select(sa.func.count(AidPayment.id)).where(
        AidPayment.to_recover, AidPayment.recovered_on.is_(None))) or 0


def waiting(status, not_assessed_by=None):
    """Cases in one status (for the work list); to decide: not those this user assessed;
    to pay: not those whose transfer waits for the bank."""
    stmt = sa.select(AidCase).where(AidCase.status == status)
    if status == "approved":
        stmt = stmt.where(~_has_effective_payment())
    if not_assessed_by is not None:
        stmt = stmt.where(AidCase.assessed_by_id != not_assessed_by)
    return db.session.scalars(stmt.order_by(AidCase.applied_on)).all()


def of_person(person_id):
    return db.session.scalars(sa.select(AidCase).where(AidCase.person_id == person_id)
                              .order_by(AidCase.applied_on.desc())).all()


def account_on_file(person_id):
    """The applicant's active post office or farmers' association account, if any."""
    if person_id is None:
        return None
    return db.session.scalar(sa.select(BankAccount).where(BankAccount.person_id == person_id,
                                                          BankAccount.active))


def pending_transfers():
    """Per bank: how many transfers wait for a bank file (in no batch yet), and their amount."""
    rows = db.session.execute(sa.select(
        AidPayment.bank, sa.func.count(AidPayment.id), sa.func.sum(AidPayment.amount))
        .where(AidPayment.bank_result == "pending", AidPayment.reversed_at.is_(None),
               AidPayment.batch_id.is_(None))
        .group_by(AidPayment.bank))
    return {bank: {"count": n, "amount": amount} for bank, n, amount in rows}


def latest_open_batch(bank):
    return db.session.scalar(sa.select(AidBankBatch).where(
        AidBankBatch.bank == bank, AidBankBatch.reconciled_at.is_(None))
        .order_by(AidBankBatch.id.desc()).limit(1))


def batch_payments(batch):
    """The batch's transfers the user sees, in the file's order (by village)."""
    return db.session.scalars(sa.select(AidPayment).join(AidCase).where(
        AidPayment.batch_id == batch.id).order_by(AidCase.village_id, AidPayment.id)).all()


def batch_waiting(batch):
    """How many of the batch's transfers still wait for the bank's result (in any village)."""
    with scope.unrestricted("a batch is reconciled when none of it waits, in any village"):
        return db.session.scalar(sa.select(sa.func.count(AidPayment.id)).where(
            AidPayment.batch_id == batch.id, AidPayment.bank_result == "pending",
            AidPayment.reversed_at.is_(None))) or 0


def batches(limit=50):
    """The latest bank batches with, per batch, the transfers the user sees: count, amount,
    and how many are paid, failed and waiting."""
    counts = (sa.select(AidPayment.batch_id, sa.func.count(AidPayment.id).label("n"),
                        sa.func.coalesce(sa.func.sum(AidPayment.amount), 0).label("amount"),
                        *[sa.func.count(AidPayment.id).filter(AidPayment.bank_result == r)
                          .label(r) for r in ("paid", "failed", "pending")])
              .group_by(AidPayment.batch_id).subquery())
    rows = db.session.execute(sa.select(AidBankBatch, counts).outerjoin(
        counts, counts.c.batch_id == AidBankBatch.id)
        .order_by(AidBankBatch.id.desc()).limit(limit)).all()
    return [SimpleNamespace(batch=row[0], count=row.n or 0, amount=row.amount or 0,
                            paid=row.paid or 0, failed=row.failed or 0, waiting=row.pending or 0)
            for row in rows]


def grouped(key_column, start=None, end=None, village_ids=None):
    """Per key: cases, approved (approved or paid), refused, amount approved, amount paid;
    applications made between `start` and `end`, in `village_ids` (None: all)."""
    approved = AidCase.status.in_(("approved", "paid"))
    stmt = (sa.select(key_column, sa.func.count(AidCase.id),
                      sa.func.count(AidCase.id).filter(approved),
                      sa.func.count(AidCase.id).filter(AidCase.status == "refused"),
                      sa.func.coalesce(sa.func.sum(AidCase.approved_amount).filter(approved), 0),
                      sa.func.coalesce(sa.func.sum(AidPayment.amount), 0))
            .outerjoin(AidPayment, sa.and_(
                AidPayment.case_id == AidCase.id, AidPayment.reversed_at.is_(None),
                sa.or_(AidPayment.bank_result.is_(None), AidPayment.bank_result == "paid")))
            .group_by(key_column).order_by(sa.func.count(AidCase.id).desc()))
    if start is not None:
        stmt = stmt.where(AidCase.applied_on.between(start, end))
    if village_ids is not None:
        stmt = stmt.where(AidCase.village_id.in_(village_ids))
    return {key: {"cases": n, "approved": a, "refused": r, "approved_amount": amount,
                  "paid_amount": paid} for key, n, a, r, amount, paid in db.session.execute(stmt)}


def _group(key_column, label_of):
    return [{"label": label_of(key), **row} for key, row in grouped(key_column).items()]


def statistics(today, limit_days):
    """Counts and amounts overall, by cause and by village; median days to decision."""
    cause_names = {c.id: str(c) for c in causes(active_only=False)}
    villages = {v.id: v for v in db.session.scalars(sa.select(Village))}
    by_cause = _group(AidCase.cause_id, lambda k: cause_names.get(k, k))
    by_village = _group(AidCase.village_id, lambda k: village_name(villages.get(k)))
    decided = db.session.execute(sa.select(AidCase.applied_on, AidCase.decided_on)).all()
    total = {key: sum(row[key] for row in by_cause) for key in
             ("cases", "approved", "refused", "approved_amount", "paid_amount")}
    return {**total, "overdue": overdue_count(today, limit_days),
            **rules.decision_summary(decided), "by_cause": by_cause, "by_village": by_village}


def pending_transfer(case_id):
    """The case's transfer waiting for the bank's result, or None."""
    return db.session.scalar(sa.select(AidPayment).where(
        AidPayment.case_id == case_id, AidPayment.bank_result == "pending",
        AidPayment.reversed_at.is_(None)))
