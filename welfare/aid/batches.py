"""Bank batches (批次) of emergency-aid transfers: the first download of the transfers waiting
for a bank puts them in a numbered batch; a later download gives that batch again (a copy in
the audit log); the bank's result file is reconciled against its batch. The bank file's
layout and the result file's reading are the rounds' (`welfare.rounds.reconcile`)."""

from types import SimpleNamespace

import sqlalchemy as sa
from flask_babel import gettext as _

from welfare.aid import queries
from welfare.aid.models import AidBankBatch, AidPayment
from welfare.aid.payments import mark_reversed, move_status
from welfare.auth import audit
from welfare.auth.models import utcnow
from welfare.core import rocdate
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.rounds import reconcile


def _bank_line(payment):
    case = payment.case
    account = payment.account_number if "-" in payment.account_number \
        else f"-{payment.account_number}"
    return SimpleNamespace(name=case.applicant_name, id_number=case.applicant_id_number,
                           bank_account=account, amount=payment.amount, village=case.village,
                           token=f"A{case.id}", birth_date=case.person and case.person.birth_date)


def download_batch(bank, actor):
    """The batch a download of this bank's file gives: the transfers waiting outside any
    batch, put in a new one; when none wait, the latest batch still open, again. Returns
    (batch, copy?). Racing clerks: the rows are locked, so the second finds them batched."""
    waiting = db.session.scalars(sa.select(AidPayment.id).where(
        AidPayment.bank == bank, AidPayment.bank_result == "pending",
        AidPayment.reversed_at.is_(None), AidPayment.batch_id.is_(None))
        .order_by(AidPayment.id).with_for_update()).all()
    if waiting:
        batch = AidBankBatch(bank=bank, created_by_id=actor.id)
        db.session.add(batch)
        db.session.flush()
        db.session.execute(sa.update(AidPayment).where(
            AidPayment.id.in_(waiting), AidPayment.batch_id.is_(None))
            .values(batch_id=batch.id).execution_options(synchronize_session=False))
        db.session.expire(batch, ["payments"])
        _log_file(batch, actor, copy=False)
        return batch, False
    batch = queries.latest_open_batch(bank)
    if batch is None:
        raise ServiceError(_("No transfers to this bank are waiting for a file."))
    _log_file(batch, actor, copy=True)
    return batch, True


def _log_file(batch, actor, copy):
    payments = queries.batch_payments(batch)
    audit.record("aid_bank_copy" if copy else "aid_bank_batch", actor=actor, entity=batch,
                 summary=f"{batch.bank} #{batch.id}: {len(payments)}",
                 after={"batch": batch.id, "copy": copy, "cases": [p.case_id for p in payments]})


def batch_file(batch, actor, columns=None, logged=False):
    """The batch's transfer file in the rounds' layout (the same columns and settings);
    every download but the batch's first is logged as a copy."""
    columns = reconcile.bank_columns(batch.bank, columns)
    if not logged:
        _log_file(batch, actor, copy=True)
    payments = queries.batch_payments(batch)
    return reconcile.bank_csv([_bank_line(p) for p in payments], columns), len(payments)


RESULT_HEADERS = {"code": ("條碼", "code", "案號", "case"), "result": ("結果", "result", "status"),
                  "date": ("日期", "date"), "reason": ("原因", "reason", "備註", "note")}
PAID_WORDS = {"成功", "入帳", "已入帳", "paid", "ok", "success", "y", "1"}
FAILED_WORDS = {"失敗", "退件", "退匯", "failed", "fail", "returned", "n", "0"}


def _result_row(batch, row):
    """(payment, paid?, date, reason) of one row of the bank's result file for `batch`."""
    code = (row.get("code") or "").strip().upper().removeprefix("A")
    payment = queries.pending_transfer(int(code)) if code.isdigit() else None
    if payment is None or payment.batch_id != batch.id:
        raise ServiceError(_("No transfer of batch %(number)s waiting for the bank's result has "
                             "the code %(code)s.", number=batch.id, code=row.get("code") or "-"))
    word = (row.get("result") or "").strip().lower()
    if word not in PAID_WORDS | FAILED_WORDS:
        raise ServiceError(_("Unknown result %(word)s; use 成功 or 失敗.", word=word or "-"))
    try:
        on = rocdate.parse(row["date"]) if row.get("date") else None
    except rocdate.InvalidDate as exc:
        raise ServiceError(_("The date %(value)s is not a date.", value=row["date"])) from exc
    return payment, word in PAID_WORDS, on, (row.get("reason") or "").strip()


def record_bank_results(batch, filename, data, actor, today):
    """The bank's result file of one batch: each transfer in it is paid (the case is paid) or
    failed (the payment is reversed with the bank's reason and the case waits to be paid
    again). Nothing is recorded unless every row is of this batch and right. The batch is
    reconciled when none of it waits. Returns (paid, failed, still waiting)."""
    rows, _count = reconcile.read_table(
        filename, data, RESULT_HEADERS, (("code",), ("result",)),
        _("The first row must name the columns: 條碼 and 結果 at least (原因 for failures)."))
    paid = failed = 0
    problems = []
    for line, row in rows:
        try:
            with db.session.begin_nested():
                payment, ok, on, reason = _result_row(batch, row)
                if ok:
                    _confirm(payment, on or today)
                    paid += 1
                else:
                    mark_reversed(payment, actor, reason or _("The bank returned the transfer."),
                             ("failed", on or today))
                    failed += 1
        except ServiceError as exc:
            problems.append((None, _("Row %(line)s: %(message)s", line=line, message=str(exc))))
    if problems:
        raise ServiceError(*problems)
    waiting = queries.batch_waiting(batch)
    if not waiting:
        batch.reconciled_at = utcnow()
        db.session.flush()
    audit.record("aid_bank_results", actor=actor, entity=batch,
                 summary=f"#{batch.id} {filename[:150]}: {paid} paid, {failed} failed",
                 after={"batch": batch.id, "paid": paid, "failed": failed, "waiting": waiting})
    return paid, failed, waiting


def _confirm(payment, on):
    done = db.session.execute(sa.update(AidPayment).where(
        AidPayment.id == payment.id, AidPayment.bank_result == "pending",
        AidPayment.reversed_at.is_(None)).values(bank_result="paid", bank_result_on=on)
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise ServiceError(_("Someone else has just changed this transfer."))
    db.session.refresh(payment)
    move_status(payment.case, "approved", "paid")
