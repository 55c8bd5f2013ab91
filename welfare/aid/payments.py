"""Emergency-aid payment writers: the payment at the counter or by bank transfer, its
reversal by a supervisor who did not record it, and the money to recover. The database keeps
at most one effective (not reversed) payment per case (bank batches are in `batches`)."""

import sqlalchemy as sa
from flask_babel import gettext as _

from welfare.aid import rules
from welfare.aid.models import AidCase, AidPayment
from welfare.auth import audit
from welfare.auth.models import utcnow
from welfare.core import idno
from welfare.errors import ServiceError
from welfare.extensions import db


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


def move_status(case, old, new):
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
        move_status(case, "approved", "paid")
    audit.record("aid_pay", actor=actor, entity=payment, village_id=case.village_id,
                 summary=f"{method} {payment.amount}",
                 after={"case_id": case.id, "method": method, "amount": payment.amount})
    return payment


def check_reversal(payment, actor, reason=None):
    """Raise why this payment cannot be reversed by `actor` (before its check page, and
    again): reversed already, recorded by them (four eyes), or a transfer the bank has in
    a file and has not answered yet."""
    if payment.reversed_at is not None:
        raise ServiceError(_("This payment was already reversed."))
    if not rules.may_reverse(payment.recorded_by_id, actor.id):
        raise ServiceError(_("You recorded this payment: another supervisor reverses it."))
    if payment.bank_result == "pending" and payment.batch_id is not None:
        raise ServiceError(_("This transfer is in bank batch %(number)s: wait for the bank's "
                             "result.", number=payment.batch_id))
    if reason is not None and not reason.strip():
        raise ServiceError(("reason", _("Say why this payment is being reversed.")))


def mark_reversed(payment, actor, reason, bank_result=None, to_recover=False):
    """Mark the payment reversed if no one else has; the case is unpaid again."""
    values = {"reversed_at": utcnow(), "reversed_by_id": actor.id,
              "reversal_reason": reason[:200], "to_recover": to_recover}
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
        move_status(case, "paid", "approved")
    db.session.expire(case, ["payment"])


def reverse_payment(payment, reason, actor, to_recover=False):
    """A supervisor who did not record it undoes a wrong payment with a reason: it stays,
    marked reversed, and the case can be paid again. Money already handed over or credited
    is marked to recover (應追繳) when the supervisor says so."""
    check_reversal(payment, actor, reason or "")
    to_recover = bool(to_recover) and payment.money_out
    before = {"method": payment.method, "amount": payment.amount,
              "paid_on": payment.paid_on.isoformat(), "bank_result": payment.bank_result}
    mark_reversed(payment, actor, reason.strip(), to_recover=to_recover)
    audit.record("aid_reverse", actor=actor, entity=payment, village_id=payment.case.village_id,
                 summary=reason.strip()[:300], before=before,
                 after={"case_id": payment.case_id, "status": payment.case.status,
                        "to_recover": to_recover})
    return payment


def check_recovery(payment):
    """Raise why no returned money can be recorded for this payment."""
    if not payment.to_recover:
        raise ServiceError(_("No money is to be recovered for this payment."))
    if payment.recovered_on is not None:
        raise ServiceError(_("The money of this payment was already recorded as returned."))


def record_recovery(payment, returned_on, note, actor):
    """The money of a reversed payment came back (repaid at the counter or by transfer)."""
    check_recovery(payment)
    if returned_on < payment.paid_on:
        raise ServiceError(("returned_on", _("The money cannot come back before it was paid.")))
    done = db.session.execute(sa.update(AidPayment).where(
        AidPayment.id == payment.id, AidPayment.to_recover, AidPayment.recovered_on.is_(None))
        .values(recovered_on=returned_on, recovered_by_id=actor.id,
                recovery_note=(note or "").strip()[:200])
        .execution_options(synchronize_session=False))
    if done.rowcount != 1:
        raise ServiceError(_("Someone else has just recorded this money as returned."))
    db.session.refresh(payment)
    audit.record("aid_recovered", actor=actor, entity=payment,
                 village_id=payment.case.village_id, summary=f"{payment.amount}",
                 after={"case_id": payment.case_id, "amount": payment.amount,
                        "returned_on": returned_on.isoformat()})
    return payment
