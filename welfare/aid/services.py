"""The only writers of emergency-aid cases: apply, assess, decide, pay. Each takes `actor=`
and writes its audit row; the database enforces four eyes and one payment per case."""

import sqlalchemy as sa
from flask_babel import gettext as _

from welfare.aid import rules
from welfare.aid.models import AidCase, AidCause, AidPayment
from welfare.auth import audit
from welfare.auth.models import utcnow
from welfare.core import idno
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.roster.models import HouseholdMember, Person

LIMIT_MESSAGES = {
    "positive": lambda limit: _("Enter an amount above zero."),
    "over_limit": lambda limit: _("The most this cause allows is NT$%(limit)s.",
                                  limit=f"{limit:,}"),
}


class AlreadyPaid(ServiceError):
    """Someone else recorded this case's payment first."""


def _applicant(data):
    """The person on the register with this ID number, or None for a new applicant (who
    then needs a name and village)."""
    number = idno.normalise(data.get("applicant_id_number"))
    if number and not idno.is_valid(number):
        raise ServiceError(("applicant_id_number", _("This ID number is not valid.")))
    person = number and db.session.scalar(sa.select(Person).where(Person.id_number == number))
    if person:
        return person, number
    errors = []
    if not (data.get("applicant_name") or "").strip():
        errors.append(("applicant_name", _("Enter the applicant's name.")))
    if not data.get("village_id"):
        errors.append(("village_id", _("Choose the applicant's village.")))
    if errors:
        raise ServiceError(*errors)
    return None, number


def _household(person):
    if person is None:
        return None
    return db.session.scalar(sa.select(HouseholdMember.household_id).where(
        HouseholdMember.person_id == person.id))


def create_case(data, actor):
    """Record an application; an applicant on the register brings their village and household."""
    cause = db.session.get(AidCause, data["cause_id"])
    if cause is None or not cause.active:
        raise ServiceError(("cause_id", _("Choose a cause.")))
    if data["happened_on"] > data["applied_on"]:
        raise ServiceError(("happened_on", _("What happened cannot come after the application.")))
    person, number = _applicant(data)
    case = AidCase(
        person_id=person.id if person else None,
        applicant_name=person.name if person else data["applicant_name"].strip(),
        applicant_id_number=number or "",
        village_id=person.village_id if person else data["village_id"],
        address=(person.address if person else "") or (data.get("address") or ""),
        household_id=_household(person), household_size=data["household_size"],
        contact=data.get("contact") or (person.mobile or person.phone if person else ""),
        cause_id=cause.id, what_happened=data["what_happened"],
        happened_on=data["happened_on"], applied_on=data["applied_on"],
        documents_seen=sorted(set(data.get("documents_seen") or [])),
        referred_by=data["referred_by"], referrer_name=data.get("referrer_name") or "",
        created_by_id=actor.id)
    db.session.add(case)
    db.session.flush()
    audit.record("aid_apply", actor=actor, entity=case, summary=f"{cause.code}",
                 after={"cause": cause.code, "person_id": case.person_id})
    return case


def assess_case(case, data, actor):
    """Record the staff assessment and the proposed amount (within the cause's limit)."""
    if case.status not in rules.OPEN_STATUSES:
        raise ServiceError(_("This case has already been decided."))
    problem = rules.amount_problem(data["proposed_amount"], case.cause.max_amount)
    if problem:
        raise ServiceError(("proposed_amount", LIMIT_MESSAGES[problem](case.cause.max_amount)))
    case.stated_income, case.stated_assets = data["stated_income"], data["stated_assets"]
    case.visit_notes, case.proposed_amount = data["visit_notes"], data["proposed_amount"]
    case.assessed_by_id, case.assessed_at, case.status = actor.id, utcnow(), "assessed"
    db.session.flush()
    audit.record("aid_assess", actor=actor, entity=case, summary=f"{case.proposed_amount}",
                 after={"proposed_amount": case.proposed_amount})
    return case


def check_decision(case, approve, amount, reason, decided_on, actor):
    """Raise the reasons this decision cannot be made (before its check page, and again)."""
    if case.status != "assessed":
        raise ServiceError(_("Only an assessed case waiting for a decision can be decided."))
    if not rules.may_decide(case.assessed_by_id, actor.id):
        raise ServiceError(_("You assessed this case: another supervisor decides it."))
    if decided_on < case.applied_on:
        raise ServiceError(("decided_on", _("The decision cannot come before the application.")))
    if approve:
        problem = rules.amount_problem(amount, case.cause.max_amount)
        if problem:
            raise ServiceError(("approved_amount", LIMIT_MESSAGES[problem](case.cause.max_amount)))
    elif not (reason or "").strip():
        raise ServiceError(("refusal_reason", _("Give the reason for the refusal.")))


def decide_case(case, approve, amount, reason, decided_on, actor):
    """A supervisor who did not assess the case approves an amount or refuses with a reason."""
    check_decision(case, approve, amount, reason, decided_on, actor)
    values = {"status": "approved" if approve else "refused", "decided_by_id": actor.id,
              "decided_on": decided_on, "approved_amount": amount if approve else None,
              "refusal_reason": "" if approve else reason.strip()}
    # Two supervisors deciding at once: the second finds the case no longer 'assessed'.
    done = db.session.execute(sa.update(AidCase).where(
        AidCase.id == case.id, AidCase.status == "assessed").values(**values)
        .execution_options(synchronize_session=False)).rowcount
    if not done:
        raise ServiceError(_("Someone else has just decided this case."))
    db.session.refresh(case)
    audit.record("aid_approve" if approve else "aid_refuse", actor=actor, entity=case,
                 summary=str(amount) if approve else reason.strip()[:100],
                 after={"status": case.status, "approved_amount": case.approved_amount})
    return case


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


def pay_case(case, method, paid_on, actor, proxy=None, bank=None):
    """Record the one payment of an approved case, of the approved amount."""
    proxy, bank = proxy or {}, bank or {}
    if case.status == "paid":
        raise AlreadyPaid(_("This case has already been paid."))
    if case.status != "approved":
        raise ServiceError(_("Only an approved case can be paid."))
    if paid_on < case.decided_on:
        raise ServiceError(("paid_on", _("The payment cannot come before the decision.")))
    errors = _payment_errors(case, method, proxy, bank)
    if errors:
        raise ServiceError(*errors)
    payment = AidPayment(
        case_id=case.id, method=method, amount=case.approved_amount, paid_on=paid_on,
        proxy_name=(proxy.get("name") or "").strip() if method == "proxy" else "",
        proxy_id_number=idno.normalise(proxy.get("id_number")) if method == "proxy" else "",
        proxy_relationship=(proxy.get("relationship") or "").strip() if method == "proxy" else "",
        bank=bank.get("bank") or "" if method == "bank" else "",
        account_number=(bank.get("account_number") or "").strip() if method == "bank" else "",
        recorded_by_id=actor.id)
    try:
        with db.session.begin_nested():
            db.session.add(payment)
            db.session.flush()
    except sa.exc.IntegrityError:
        # The unique case_id: another clerk paid this case a moment ago.
        raise AlreadyPaid(_("Someone else has just recorded the payment of this case.")) from None
    db.session.execute(sa.update(AidCase).where(AidCase.id == case.id)
                       .values(status="paid").execution_options(synchronize_session=False))
    db.session.refresh(case)
    audit.record("aid_pay", actor=actor, entity=payment, village_id=case.village_id,
                 summary=f"{method} {payment.amount}",
                 after={"case_id": case.id, "method": method, "amount": payment.amount})
    return payment
