"""Inquiries about a person, for their history (roster.history) and the public lookup."""

from flask_babel import gettext as _

from welfare.inquiries import queries
from welfare.inquiries.labels import CHANNEL_LABELS, STATUS_LABELS
from welfare.roster.history import SOURCES, Event


def inquiry_events(person, viewer):
    for inquiry in queries.about_person(person.id):
        yield Event("inquiry", inquiry.received_on,
                    _("%(topic)s (%(channel)s): %(status)s", topic=inquiry.topic,
                      channel=CHANNEL_LABELS[inquiry.channel],
                      status=STATUS_LABELS[inquiry.status]),
                    detail=inquiry.text[:120], by=inquiry.owner.display_name,
                    extra={"status": inquiry.status, "due": inquiry.due_on.isoformat()})


SOURCES.append(inquiry_events)
