"""The writers of emergency-aid cases: apply, assess, decide (paying and reversing are in
`payments`, causes and limits in `causes`). Each takes `actor=` and writes its audit row; the
database enforces four eyes."""

import sqlalchemy as sa
from flask_babel import gettext as _

from welfare.aid import queries, rules
from welfare.aid.models import AidCase, AidCause
from welfare.auth import audit
from welfare.auth.models import utcnow
from welfare.core import idno
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.roster.models import HouseholdMember, Person


def limit_message(problem, cause_limit, left=None, yearly=None, hidden=False):
    """What the clerk or supervisor is told about an amount the limits refuse; when some of
    the household's aid this year was granted in villages they do not see, not the figures
    that would tell what was paid there."""
    if problem == "positive":
        return _("Enter an amount above zero.")
    if problem == "over_limit":
        return _("The most this cause allows is NT$%(limit)s.", limit=f"{cause_limit:,}")
    if hidden:
        return _("This household may receive at most NT$%(yearly)s a year, and it was already "
                 "granted aid this year in a village outside yours: this amount is over what is "
                 "left. Ask a colleague who sees every village to check the amount.",
                 yearly=f"{yearly:,}")
    return _("This household may receive at most NT$%(yearly)s a year; NT$%(left)s is left "
             "for this year.", yearly=f"{yearly:,}", left=f"{left:,}")


def check_amount(case, amount, field):
    """Raise if `amount` is over the cause's limit or what the household has left this year
    (counted across villages: the limit is per household)."""
    yearly = queries.programme().household_year_max
    granted = queries.granted_in_year(case)
    left = rules.year_left(yearly, granted.total)
    problem = rules.amount_problem(amount, case.cause.max_amount, left)
    if problem:
        raise ServiceError((field, limit_message(problem, case.cause.max_amount, left, yearly,
                                                 granted.hidden)))


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
    """Record the staff assessment and the proposed amount (within the limits)."""
    if case.status not in rules.OPEN_STATUSES:
        raise ServiceError(_("This case has already been decided."))
    check_amount(case, data["proposed_amount"], "proposed_amount")
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
        check_amount(case, amount, "approved_amount")
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
