"""Read-only selects for emergency aid: lists, the overdue list, a person's cases, statistics.
The session's scope narrows every select of cases and payments to the user's villages."""

from datetime import date, timedelta

import sqlalchemy as sa

from welfare.aid import rules
from welfare.aid.models import AidCase, AidCause, AidPayment
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.rounds.models import BankAccount
from welfare.web import village_name

VIEWS = ("open", "to_decide", "to_pay", "overdue", "all")


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
        stmt = stmt.where(AidCase.status == "approved")
    elif view == "overdue":
        stmt = stmt.where(AidCase.status.in_(rules.OPEN_STATUSES),
                          AidCase.applied_on < today - timedelta(days=limit_days))
    if village_id:
        stmt = stmt.where(AidCase.village_id == village_id)
    stmt = stmt.order_by(AidCase.applied_on, AidCase.id) if view != "all" else \
        stmt.order_by(AidCase.applied_on.desc(), AidCase.id.desc())
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False)


def overdue_count(today, limit_days):
    return db.session.scalar(sa.select(sa.func.count(AidCase.id)).where(
        AidCase.status.in_(rules.OPEN_STATUSES),
        AidCase.applied_on < today - timedelta(days=limit_days))) or 0


def waiting(status, not_assessed_by=None):
    """Cases in one status (for the work list); to decide: not those this user assessed."""
    stmt = sa.select(AidCase).where(AidCase.status == status)
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


def bank_payments(on: date):
    """Bank-transfer payments recorded for one payment day, for the bank's file."""
    return db.session.scalars(sa.select(AidPayment).join(AidCase).where(
        AidPayment.method == "bank", AidPayment.paid_on == on)
        .order_by(AidCase.village_id, AidPayment.id)).all()


def grouped(key_column, start=None, end=None, village_ids=None):
    """Per key: cases, approved (approved or paid), refused, amount approved, amount paid;
    applications made between `start` and `end`, in `village_ids` (None: all)."""
    approved = AidCase.status.in_(("approved", "paid"))
    stmt = (sa.select(key_column, sa.func.count(AidCase.id),
                      sa.func.count(AidCase.id).filter(approved),
                      sa.func.count(AidCase.id).filter(AidCase.status == "refused"),
                      sa.func.coalesce(sa.func.sum(AidCase.approved_amount).filter(approved), 0),
                      sa.func.coalesce(sa.func.sum(AidPayment.amount), 0))
            .outerjoin(AidPayment, AidPayment.case_id == AidCase.id)
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
