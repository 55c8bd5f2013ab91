"""Emergency-aid cases on a person's history (roster.history)."""

from flask import has_request_context, url_for
from flask_babel import gettext as _

from welfare.aid import queries
from welfare.aid.labels import STATUS_LABELS
from welfare.roster.history import SOURCES, Event


def aid_events(person, viewer):
    for case in queries.of_person(person.id):
        amount = case.approved_amount if case.status != "refused" else None
        amount = amount or (case.proposed_amount if case.status == "assessed" else None)
        yield Event("aid", case.applied_on,
                    _("Emergency aid: %(cause)s (%(status)s)", cause=case.cause,
                      status=STATUS_LABELS[case.status]),
                    detail=(_("NT$%(amount)s", amount=f"{amount:,}") if amount else ""),
                    by=case.created_by.display_name if case.created_by else "",
                    url=url_for("aid.show", case_id=case.id) if has_request_context() else "",
                    extra={"status": case.status, "amount": amount or 0})


SOURCES.append(aid_events)
