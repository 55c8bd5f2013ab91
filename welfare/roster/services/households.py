"""Roster writers for households: members, head, low-income certification periods."""

from flask_babel import gettext as _

from welfare.auth import audit
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.roster.models import Household, HouseholdMember, LowIncomeStatus


def create_household(data, actor):
    """Start a household at an address."""
    if db.session.get(Village, data.get("village_id") or 0) is None:
        raise ServiceError(("village_id", _("Choose a village of the district.")))
    household = Household(**data)
    db.session.add(household)
    db.session.flush()
    audit.record("create", actor=actor, entity=household, summary=household.address,
                 after=audit.snapshot(household, list(data)))
    return household


def add_member(household, person, relationship_to_head, actor, head=False):
    """Put a person in a household (a person belongs to one household)."""
    if person.membership is not None:
        raise ServiceError(("person", _("This person already belongs to a household.")))
    member = HouseholdMember(household=household, person=person,
                             relationship_to_head=relationship_to_head)
    db.session.add(member)
    if head or household.head_id is None:
        household.head_id = person.id
    db.session.flush()
    audit.record("add_member", actor=actor, entity=household, summary=person.name,
                 after={"person_id": person.id, "relationship": relationship_to_head})
    return member


def remove_member(member, actor):
    """Take a person out of their household."""
    household = member.household
    if household.head_id == member.person_id:
        household.head_id = None
    audit.record("remove_member", actor=actor, entity=household, summary=member.person.name,
                 before={"person_id": member.person_id})
    db.session.delete(member)
    db.session.flush()


def set_head(household, person, actor):
    """Make a member the head of the household."""
    if person.membership is None or person.membership.household_id != household.id:
        raise ServiceError(_("The head must be a member of the household."))
    before = {"head_id": household.head_id}
    household.head_id = person.id
    audit.record("update", actor=actor, entity=household, summary=person.name,
                 before=before, after={"head_id": person.id})


def add_low_income_status(household, kind, category, certified_from, certified_until, actor,
                          notes=""):
    """Record a certification period for 低收入戶 or 中低收入戶."""
    errors = []
    if kind not in ("low", "mid_low"):
        errors.append(("kind", _("Choose low-income or middle-to-low-income.")))
    if certified_until < certified_from:
        errors.append(("certified_until", _("The end date must be on or after the start date.")))
    if kind == "mid_low" and category is not None:
        errors.append(("category_id", _("Categories apply to low-income households only.")))
    for status in household.statuses:
        if status.certified_from <= certified_until and certified_from <= status.certified_until:
            errors.append(("certified_from", _("This period overlaps an existing one.")))
            break
    if errors:
        raise ServiceError(*errors)
    status = LowIncomeStatus(household=household, kind=kind, category=category,
                             certified_from=certified_from, certified_until=certified_until,
                             notes=notes)
    db.session.add(status)
    db.session.flush()
    audit.record("create", actor=actor, entity=status, summary=f"{kind} {household.id}",
                 after=audit.snapshot(status, ("household_id", "kind", "category_id",
                                               "certified_from", "certified_until")))
    return status
