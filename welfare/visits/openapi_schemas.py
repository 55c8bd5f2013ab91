"""The bodies of /api/v1 as OpenAPI 3.0 schemas: what the code reads and what it answers,
nullable where it answers null. The checks behind them are in problems.py (400) and
recording.py (422)."""

from welfare.visits import rules
from welfare.visits.problems import ID_MAX, TEXT_LIMITS


def _nullable(schema):
    """null allowed; an enum lists None too (OpenAPI 3.0.3 reads enum before nullable)."""
    schema = dict(schema, nullable=True)
    if "enum" in schema:
        schema["enum"] = [*schema["enum"], None]
    return schema


ID = {"type": "integer", "minimum": 1, "maximum": ID_MAX}
STRINGS = {"type": "string"}
DATE = {"type": "string", "format": "date"}
DATE_TIME = {"type": "string", "format": "date-time"}
ASSESSMENT = {"type": "object", "additionalProperties": False,
              "description": "The 11-dimension quick taps",
              "properties": {k: {"type": "string", "enum": list(rules.ASSESSMENT_VALUES)}
                             for k in rules.ASSESSMENT}}
NEEDS = {"type": "array", "items": {"type": "string", "enum": list(rules.NEEDS)}}

VISIT_IN = {
    "type": "object", "required": ["uuid", "elder_id", "kind", "outcome", "visited_at"],
    "additionalProperties": True,
    "description": "Other fields are ignored. A position is both lat and lng or neither "
                   "(400 otherwise). Text may not hold NUL (400); a value out of its range "
                   "or an unknown choice is a field error (422).",
    "properties": {
        "uuid": {"type": "string", "format": "uuid", "minLength": 8,
                 "maxLength": TEXT_LIMITS["uuid"],
                 "description": "Made on the phone; the same uuid is stored once."},
        "elder_id": {"anyOf": [ID, {"type": "string", "pattern": "^[0-9]{1,10}$"}],
                     "description": "404 unless an elder the caller may see"},
        "kind": {"type": "string", "enum": list(rules.KINDS)},
        "outcome": {"type": "string", "enum": list(rules.OUTCOMES)},
        "visited_at": dict(DATE_TIME, maxLength=TEXT_LIMITS["visited_at"],
                           description="ISO 8601; without an offset it is Taiwan time. "
                                       "From 400 days ago to 10 minutes ahead (422)."),
        "notes": _nullable({"type": "string", "maxLength": TEXT_LIMITS["notes"]}),
        "duration_minutes": _nullable({"anyOf": [
            {"type": "integer", "minimum": 0, "maximum": 1440},
            {"type": "string", "pattern": "^[0-9]{1,4}$"}]}),
        "assessment": _nullable(ASSESSMENT),
        "needs": _nullable(NEEDS),
        "referral": _nullable({"type": "boolean"}),
        "lat": _nullable({"type": "number", "minimum": -90, "maximum": 90}),
        "lng": _nullable({"type": "number", "minimum": -180, "maximum": 180}),
        "gps_accuracy": _nullable({"type": "number", "minimum": 0, "maximum": 1e6}),
        "photo": _nullable({"type": "string", "maxLength": TEXT_LIMITS["photo"],
                            "description": "JPEG or PNG as a data URL, < 3 MB"}),
        "volunteer_id": _nullable(dict(ID, description="Staff recording on a volunteer's "
                                                       "behalf (ignored for volunteers).")),
    },
}

VISIT = {
    "type": "object", "additionalProperties": False,
    "required": ["id", "uuid", "elder_id", "kind", "outcome", "visited_at",
                 "duration_minutes", "notes", "assessment", "needs", "referral", "lat",
                 "lng", "has_photo", "volunteer_id", "recorded_by", "created_at"],
    "properties": {
        "id": ID, "uuid": STRINGS, "elder_id": ID,
        "kind": {"type": "string", "enum": list(rules.KINDS)},
        "outcome": {"type": "string", "enum": list(rules.OUTCOMES)},
        "visited_at": DATE_TIME, "duration_minutes": {"type": "integer", "minimum": 0,
                                                      "maximum": 1440},
        "notes": STRINGS, "assessment": ASSESSMENT, "needs": NEEDS,
        "referral": {"type": "boolean"},
        "lat": _nullable({"type": "number"}), "lng": _nullable({"type": "number"}),
        "has_photo": {"type": "boolean"}, "volunteer_id": _nullable(ID),
        "recorded_by": ID, "created_at": DATE_TIME,
    },
}

ELDER = {
    "type": "object", "additionalProperties": False,
    "required": ["id", "name", "care_level", "village", "neighbourhood", "address", "phone",
                 "living_situation", "emergency_contacts", "due_on", "overdue_days",
                 "status", "last_contact", "task"],
    "properties": {
        "id": ID, "name": STRINGS, "care_level": {"type": "integer", "minimum": 1, "maximum": 4},
        "village": {"type": "object", "required": ["code", "name", "name_en"],
                    "properties": {"code": STRINGS, "name": STRINGS, "name_en": STRINGS}},
        "neighbourhood": _nullable({"type": "integer"}),
        "address": STRINGS, "phone": STRINGS, "living_situation": STRINGS,
        "emergency_contacts": {"type": "array", "items": {
            "type": "object", "required": ["name", "relation", "phone"],
            "properties": {"name": STRINGS, "relation": STRINGS, "phone": STRINGS}}},
        "due_on": _nullable(DATE),
        "overdue_days": {"type": "integer", "minimum": 0},
        "status": _nullable({"type": "string", "enum": ["overdue", "due", "soon", "ok"]}),
        "last_contact": _nullable(DATE),
        "task": _nullable({"type": "string", "enum": ["sweep", "recheck", "due"]}),
        "role": {"type": "string", "enum": ["primary", "backup"],
                 "description": "Volunteers only: how the caller is assigned."},
    },
}

PROBLEM = {
    "type": "object", "required": ["type", "title", "status", "detail"],
    "description": "RFC 9457 problem details; `detail` in the caller's language "
                   "(Accept-Language, else Traditional Chinese).",
    "properties": {
        "type": STRINGS, "title": STRINGS,
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "detail": STRINGS,
        "errors": {"type": "object", "additionalProperties": STRINGS,
                   "description": "Field name to message"},
        "uuid": dict(STRINGS, description="409: the uuid stored with other content"),
    },
}

TOKEN_IN = {
    "type": "object", "required": ["username", "password"], "additionalProperties": True,
    "properties": {"username": {"type": "string", "maxLength": 64},
                   "password": {"type": "string", "maxLength": 200}},
}
TOKEN = {
    "type": "object", "required": ["token", "expires_in_days", "role"],
    "properties": {"token": STRINGS, "expires_in_days": {"type": "integer", "minimum": 1},
                   "role": STRINGS},
}


def list_of(name):
    return {"type": "object", "required": ["items", "page", "per_page", "total"],
            "additionalProperties": False, "properties": {
                "items": {"type": "array", "items": {"$ref": f"#/components/schemas/{name}"}},
                "page": ID, "per_page": {"type": "integer", "minimum": 1, "maximum": 200},
                "total": {"type": "integer", "minimum": 0}}}
