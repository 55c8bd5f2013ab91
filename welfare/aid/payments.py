"""Emergency-aid payment writers: the payment at the counter or by bank transfer, its
reversal by a supervisor, the bank's transfer file and its result file. The database keeps
at most one effective (not reversed) payment per case."""

from types import SimpleNamespace

import sqlalchemy as sa
from flask_babel import gettext as _

from welfare.aid import queries, rules
from welfare.aid.models import AidCase, AidPayment
from welfare.auth import audit
from welfare.auth.models import utcnow
from welfare.core import idno, rocdate
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.rounds import reconcile


class AlreadyPaid(ServiceError):
    """Someone else recorded this case's payment first."""


def _proxy_errors(proxy, applicant_id_number):
    """Field errors for a proxy: name, a valid ID number not the applicant's, relationship,
    and both ID cards and the applicant's seal checked."""
    errors = []
    if not (proxy.get("name") or "").strip():
        errors.append(("proxy_name", _("Enter the proxy's name.")))
    number = idno.normalise(proxy.get("id_number"))
    if not idno.is_valid(number):
        errors.append(("proxy_id_number", _("The proxy's ID number is not valid.")))
    elif number == applicant_id_number:
        errors.append(("proxy_id_number", _("The proxy cannot be the applicant.")))
    if not (proxy.get("relationship") or "").strip():
        errors.append(("proxy_relationship", _("Enter how the proxy is related to the "
                                               "applicant.")))
    if not proxy.get("seal_checked"):
        errors.append(("seal_checked", _("Check both ID cards and the applicant's seal or "
                                         "signed authorisation.")))
    return errors


def _payment_errors(case, method, proxy, bank):
    if method not in rules.METHODS:
        return [("method", _("Choose how it is paid."))]
    if method == "proxy":
        return _proxy_errors(proxy, case.applicant_id_number)
    if method == "bank" and not (bank.get("account_number") or "").strip():
        return [("account_number", _("Enter the account number."))]
    return []


def _set_status(case, old, new):
    """Move the case from `old` to `new`, or fail if someone else moved it first."""
    done = db.session.execute(sa.update(AidCase).where(AidCase.id == case.id,
                                                       AidCase.status == old)
                              .values(status=new).execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise AlreadyPaid(_("Someone else has just changed the payment of this case."))
    db.session.refresh(case)


def pay_case(case, method, paid_on, actor, proxy=None, bank=None):
    """Record the payment of an approved case, of the approved amount: paid at once at the
    counter; a bank transfer waits in the bank's file for the bank's result."""
    proxy, bank = proxy or {}, bank or {}
    if case.status == "paid" or case.payment is not None:
        raise AlreadyPaid(_("This case has already been paid."))
    if case.status != "approved":
        raise ServiceError(_("Only an approved case can be paid."))
    if paid_on < case.decided_on:
        raise ServiceError(("paid_on", _("The payment cannot come before the decision.")))
    errors = _payment_errors(case, method, proxy, bank)
    if errors:
        raise ServiceError(*errors)
    by_proxy, by_bank = method == "proxy", method == "bank"
    payment = AidPayment(
        case_id=case.id, method=method, amount=case.approved_amount, paid_on=paid_on,
        proxy_name=(proxy.get("name") or "").strip() if by_proxy else "",
        proxy_id_number=idno.normalise(proxy.get("id_number")) if by_proxy else "",
        proxy_relationship=(proxy.get("relationship") or "").strip() if by_proxy else "",
        bank=bank.get("bank") or "" if by_bank else "",
        account_number=(bank.get("account_number") or "").strip() if by_bank else "",
        bank_result="pending" if by_bank else None, recorded_by_id=actor.id)
    try:
        with db.session.begin_nested():
            db.session.add(payment)
            db.session.flush()
    except sa.exc.IntegrityError:
        # The partial unique index: another clerk paid this case a moment ago.
        raise AlreadyPaid(_("Someone else has just recorded the payment of this case.")) from None
    if not by_bank:
        _set_status(case, "approved", "paid")
    audit.record("aid_pay", actor=actor, entity=payment, village_id=case.village_id,
                 summary=f"{method} {payment.amount}",
                 after={"case_id": case.id, "method": method, "amount": payment.amount})
    return payment


def check_reversal(payment, reason=None):
    """Raise why this payment cannot be reversed (before its check page, and again)."""
    if payment.reversed_at is not None:
        raise ServiceError(_("This payment was already reversed."))
    if reason is not None and not reason.strip():
        raise ServiceError(("reason", _("Say why this payment is being reversed.")))


def _reverse(payment, actor, reason, bank_result=None):
    """Mark the payment reversed if no one else has; the case is unpaid again."""
    values = {"reversed_at": utcnow(), "reversed_by_id": actor.id,
              "reversal_reason": reason[:200]}
    if bank_result:
        values |= {"bank_result": bank_result[0], "bank_result_on": bank_result[1]}
    done = db.session.execute(sa.update(AidPayment).where(
        AidPayment.id == payment.id, AidPayment.reversed_at.is_(None)).values(**values)
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise ServiceError(_("Someone else has just reversed this payment."))
    db.session.refresh(payment)
    case = payment.case
    if case.status == "paid":
        _set_status(case, "paid", "approved")
    db.session.expire(case, ["payment"])


def reverse_payment(payment, reason, actor):
    """A supervisor undoes a wrong payment with a reason: it stays, marked reversed, and the
    case can be paid again (the money paid wrongly is recovered outside the app)."""
    check_reversal(payment, reason or "")
    before = {"method": payment.method, "amount": payment.amount,
              "paid_on": payment.paid_on.isoformat(), "bank_result": payment.bank_result}
    _reverse(payment, actor, reason.strip())
    audit.record("aid_reverse", actor=actor, entity=payment, village_id=payment.case.village_id,
                 summary=reason.strip()[:300], before=before,
                 after={"case_id": payment.case_id, "status": payment.case.status})
    return payment


def _bank_line(payment):
    case = payment.case
    account = payment.account_number if "-" in payment.account_number \
        else f"-{payment.account_number}"
    return SimpleNamespace(name=case.applicant_name, id_number=case.applicant_id_number,
                           bank_account=account, amount=payment.amount, village=case.village,
                           token=f"A{case.id}", birth_date=case.person and case.person.birth_date)


def bank_file(bank, actor, columns=None):
    """The transfer file for one bank: every transfer waiting for its result, in the
    rounds' layout (the same columns and settings)."""
    columns = reconcile.bank_columns(bank, columns)
    payments = queries.bank_payments(bank)
    audit.record("export_bank", actor=actor, entity_type="aid_bank",
                 summary=f"{bank}: {len(payments)}",
                 after={"cases": [p.case_id for p in payments]})
    return reconcile.bank_csv([_bank_line(p) for p in payments], columns), len(payments)


RESULT_HEADERS = {"code": ("條碼", "code", "案號", "case"), "result": ("結果", "result", "status"),
                  "date": ("日期", "date"), "reason": ("原因", "reason", "備註", "note")}
PAID_WORDS = {"成功", "入帳", "已入帳", "paid", "ok", "success", "y", "1"}
FAILED_WORDS = {"失敗", "退件", "退匯", "failed", "fail", "returned", "n", "0"}


def _result_row(row):
    """(payment, paid?, date, reason) of one row of the bank's result file."""
    code = (row.get("code") or "").strip().upper().removeprefix("A")
    payment = queries.pending_transfer(int(code)) if code.isdigit() else None
    if payment is None:
        raise ServiceError(_("No transfer waiting for the bank's result has the code %(code)s.",
                             code=row.get("code") or "-"))
    word = (row.get("result") or "").strip().lower()
    if word not in PAID_WORDS | FAILED_WORDS:
        raise ServiceError(_("Unknown result %(word)s; use 成功 or 失敗.", word=word or "-"))
    try:
        on = rocdate.parse(row["date"]) if row.get("date") else None
    except rocdate.InvalidDate as exc:
        raise ServiceError(_("The date %(value)s is not a date.", value=row["date"])) from exc
    return payment, word in PAID_WORDS, on, (row.get("reason") or "").strip()


def record_bank_results(filename, data, actor, today):
    """The bank's result file: each transfer in it is paid (the case is paid) or failed (the
    payment is reversed with the bank's reason and the case is unpaid again). Nothing is
    recorded unless every row is right. Returns (paid, failed)."""
    rows, _count = reconcile.read_table(
        filename, data, RESULT_HEADERS, (("code",), ("result",)),
        _("The first row must name the columns: 條碼 and 結果 at least (原因 for failures)."))
    paid = failed = 0
    problems = []
    for line, row in rows:
        try:
            with db.session.begin_nested():
                payment, ok, on, reason = _result_row(row)
                if ok:
                    _confirm(payment, on or today)
                    paid += 1
                else:
                    _reverse(payment, actor, reason or _("The bank returned the transfer."),
                             ("failed", on or today))
                    failed += 1
        except ServiceError as exc:
            problems.append((None, _("Row %(line)s: %(message)s", line=line, message=str(exc))))
    if problems:
        raise ServiceError(*problems)
    audit.record("aid_bank_results", actor=actor, entity_type="aid_bank",
                 summary=f"{filename[:150]}: {paid} paid, {failed} failed",
                 after={"paid": paid, "failed": failed})
    return paid, failed


def _confirm(payment, on):
    done = db.session.execute(sa.update(AidPayment).where(
        AidPayment.id == payment.id, AidPayment.bank_result == "pending",
        AidPayment.reversed_at.is_(None)).values(bank_result="paid", bank_result_on=on)
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise ServiceError(_("Someone else has just changed this transfer."))
    db.session.refresh(payment)
    _set_status(payment.case, "approved", "paid")
