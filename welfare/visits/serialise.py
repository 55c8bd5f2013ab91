"""Visits and elders as JSON for the API and the phone app."""

from datetime import UTC

from welfare.extensions import db
from welfare.visits.models import Assignment


def iso(moment):
    return moment.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z") if moment else None


def visit_json(visit):
    return {
        "id": visit.id, "uuid": visit.uuid, "elder_id": visit.elder_id, "kind": visit.kind,
        "outcome": visit.outcome, "visited_at": iso(visit.visited_at),
        "duration_minutes": visit.duration_minutes, "notes": visit.notes,
        "assessment": visit.assessment or {}, "needs": visit.needs or [],
        "referral": visit.referral, "lat": visit.lat, "lng": visit.lng,
        "has_photo": bool(visit.photo), "volunteer_id": visit.volunteer_id,
        "recorded_by": visit.recorded_by_id, "created_at": iso(visit.created_at),
    }


def elder_json(elder, row=None, task=None, volunteer=None):
    """What a volunteer needs at the door: no ID number, no sensitive notes."""
    person = elder.person
    plan = row.schedule if row is not None else None
    data = {
        "id": elder.id, "name": person.name, "care_level": elder.care_level,
        "village": {"code": person.village.code, "name": person.village.name_zh,
                    "name_en": person.village.name_en},
        "neighbourhood": person.neighbourhood, "address": person.address,
        "phone": person.mobile or person.phone or "",
        "living_situation": elder.living_situation,
        "emergency_contacts": [{"name": c.name, "relation": c.relation, "phone": c.phone}
                               for c in elder.contacts],
        "due_on": plan.due_on.isoformat() if plan else None,
        "overdue_days": plan.overdue_days if plan else 0,
        "status": plan.status if plan else None,
        "last_contact": row.last_contact.isoformat() if row and row.last_contact else None,
        "task": task,
    }
    if volunteer is not None:
        assignment = db.session.get(Assignment, elder.id)
        data["role"] = ("primary" if assignment and assignment.primary_id == volunteer.id
                        else "backup")
    return data
