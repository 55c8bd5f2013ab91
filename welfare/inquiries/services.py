"""The only writers of inquiries: record one, answer it. Each takes `actor=` and audits."""

import sqlalchemy as sa
from flask_babel import gettext as _

from welfare.auth import audit
from welfare.auth.models import User
from welfare.core import idno
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.inquiries import rules
from welfare.inquiries.models import Inquiry, InquiryTopic
from welfare.roster.models import Person


def _person(id_number):
    if not id_number:
        return None
    person = db.session.scalar(sa.select(Person).where(
        Person.id_number == idno.normalise(id_number)))
    if person is None:
        raise ServiceError(("person_id_number", _("No person with this ID number.")))
    return person


def create_inquiry(data, actor):
    """Record an inquiry; it is due the topic's working days after it was received."""
    topic = db.session.get(InquiryTopic, data["topic_id"])
    owner = db.session.get(User, data["owner_id"])
    if topic is None or not topic.active:
        raise ServiceError(("topic_id", _("Choose a topic.")))
    if owner is None or not owner.is_office or not owner.is_active_account:
        raise ServiceError(("owner_id", _("Choose who answers it.")))
    person = _person(data.get("person_id_number"))
    village_id = person.village_id if person else (data.get("village_id") or None)
    inquiry = Inquiry(
        channel=data["channel"], topic_id=topic.id, asker_name=data.get("asker_name") or "",
        asker_contact=data.get("asker_contact") or "", person_id=person.id if person else None,
        village_id=village_id, text=data["text"], owner_id=owner.id,
        received_on=data["received_on"],
        due_on=rules.add_working_days(data["received_on"], topic.due_working_days),
        created_by_id=actor.id)
    db.session.add(inquiry)
    db.session.flush()
    audit.record("create", actor=actor, entity=inquiry,
                 summary=f"{inquiry.channel} {topic.code}",
                 after={"due_on": inquiry.due_on.isoformat(), "owner_id": owner.id})
    return inquiry


def answer_inquiry(inquiry, response, responded_on, satisfaction, actor):
    """Record the response; the inquiry is answered."""
    if inquiry.status != "open":
        raise ServiceError(_("This inquiry has already been answered."))
    if responded_on < inquiry.received_on:
        raise ServiceError(("responded_on", _("The answer cannot come before the inquiry.")))
    inquiry.response, inquiry.responded_on = response, responded_on
    inquiry.satisfaction, inquiry.status = satisfaction, "answered"
    db.session.flush()
    audit.record("update", actor=actor, entity=inquiry, summary="answered",
                 after={"status": "answered", "responded_on": responded_on.isoformat()})
    return inquiry
