"""One person's story across every programme, newest first.

Roster sits below the programmes, so each of them hands over a source when it is imported
(as they hand home-page counts to auth): `SOURCES.append(fn)`, where fn(person, viewer)
yields `Event`s. A viewer of None is the command line (system work, unrestricted)."""

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from welfare.auth.models import AuditLog
from welfare.core import idno
from welfare.extensions import db
from welfare.web import show_date

KINDS = ("round", "delivery", "visit", "alert", "status", "inquiry", "aid")
SOURCES = []
MOVE_FIELDS = ("village_id", "neighbourhood", "address")


@dataclass
class Event:
    kind: str
    when: date | datetime
    title: str
    detail: str = ""
    by: str = ""
    url: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def day(self):
        return self.when.date() if isinstance(self.when, datetime) else self.when

    def sort_key(self):
        moment = self.when if isinstance(self.when, datetime) else \
            datetime.combine(self.when, datetime.min.time())
        return moment.replace(tzinfo=None)

    def to_dict(self):
        data = {"kind": self.kind, "date": self.day.isoformat(), "title": self.title}
        if self.detail:
            data["detail"] = self.detail
        if self.by:
            data["by"] = self.by
        # The event's own keys win: an extra may not rename what kind of event this is.
        return {**self.extra, **data}


def person_events(person, viewer=None):
    """Every event of every programme about this person, newest first."""
    events = [event for source in SOURCES for event in source(person, viewer)]
    return sorted(events, key=Event.sort_key, reverse=True)


def masked_person(person):
    """The person as the command line prints them: no full ID number, no address."""
    return {"id": person.id,
            "id_number": idno.mask(person.id_number, current_app.config["ID_MASK_KEEP"],
                                   current_app.config["ID_MASK_CHAR"]),
            "name": person.name, "birth_date": person.birth_date.isoformat(),
            "village": person.village.code if person.village else None,
            "status": person.status}


def _moves(person):
    rows = db.session.scalars(
        sa.select(AuditLog).where(AuditLog.entity_type == "people",
                                  AuditLog.entity_id == person.id,
                                  AuditLog.action == "update").order_by(AuditLog.id))
    for row in rows:
        if any(key in (row.after or {}) for key in MOVE_FIELDS):
            yield Event("status", row.at, _("Address changed"),
                        detail=str((row.after or {}).get("address", "")),
                        by=row.user.display_name if row.user else "")


def _household_moves(person):
    from welfare.roster.models import HouseholdMove

    for move in db.session.scalars(sa.select(HouseholdMove).where(
            HouseholdMove.person_id == person.id).order_by(HouseholdMove.id)):
        if move.from_household_no and not move.to_household_no:
            title = _("Left household %(old)s", old=move.from_household_no)
        elif move.from_household_no:
            title = _("Moved from household %(old)s to %(new)s", old=move.from_household_no,
                      new=move.to_household_no)
        else:
            title = _("Joined household %(new)s", new=move.to_household_no)
        yield Event("status", move.moved_at, title, detail=move.relationship_to_head)


def roster_events(person, viewer):
    """Low-income periods of the person's household, moves, moving out and death."""
    household = person.household
    for status in (household.statuses if household else []):
        label = _("Low-income household") if status.kind == "low" else \
            _("Middle-to-low-income household")
        yield Event("status", status.certified_from, label,
                    detail=_("Certified until %(day)s", day=show_date(status.certified_until)),
                    extra={"until": status.certified_until.isoformat()})
    yield from _moves(person)
    yield from _household_moves(person)
    if person.status != "registered" and person.status_date:
        title = _("Died") if person.status == "deceased" else _("Moved out")
        yield Event("status", person.status_date, title)


SOURCES.append(roster_events)
