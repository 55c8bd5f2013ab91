"""The OpenAPI 3 description of /api/v1."""

from welfare.visits import rules


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema, description="OK"):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


ERROR = _json(_ref("Error"), "Error")
PAGE_PARAMS = [
    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "default": 1}},
    {"name": "per_page", "in": "query",
     "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
]


def _list_of(name):
    return {"type": "object", "required": ["items", "page", "per_page", "total"], "properties": {
        "items": {"type": "array", "items": _ref(name)}, "page": {"type": "integer"},
        "per_page": {"type": "integer"}, "total": {"type": "integer"}}}


def document():
    visit_in = {
        "type": "object", "required": ["uuid", "elder_id", "kind", "outcome", "visited_at"],
        "properties": {
            "uuid": {"type": "string", "format": "uuid",
                     "description": "Made on the phone; the same uuid is stored once."},
            "elder_id": {"type": "integer"},
            "kind": {"type": "string", "enum": list(rules.KINDS)},
            "outcome": {"type": "string", "enum": list(rules.OUTCOMES)},
            "visited_at": {"type": "string", "format": "date-time",
                           "description": "ISO 8601; without an offset it is Taiwan time."},
            "notes": {"type": "string", "maxLength": 4000},
            "duration_minutes": {"type": "integer", "minimum": 0, "maximum": 1440},
            "assessment": {"type": "object", "description": "11-dimension quick taps",
                           "properties": {k: {"type": "string",
                                              "enum": list(rules.ASSESSMENT_VALUES)}
                                          for k in rules.ASSESSMENT}},
            "needs": {"type": "array", "items": {"type": "string", "enum": list(rules.NEEDS)}},
            "referral": {"type": "boolean"},
            "lat": {"type": "number"}, "lng": {"type": "number"},
            "gps_accuracy": {"type": "number"},
            "photo": {"type": "string", "description": "JPEG or PNG as a data URL, < 3 MB"},
            "volunteer_id": {"type": "integer",
                             "description": "Staff recording on a volunteer's behalf."},
        },
    }
    visit = {"allOf": [visit_in, {"type": "object", "properties": {
        "id": {"type": "integer"}, "has_photo": {"type": "boolean"},
        "recorded_by": {"type": "integer"}, "created_at": {"type": "string",
                                                           "format": "date-time"}}}]}
    elder = {"type": "object", "required": ["id", "name", "care_level"], "properties": {
        "id": {"type": "integer"}, "name": {"type": "string"},
        "care_level": {"type": "integer", "minimum": 1, "maximum": 4},
        "village": {"type": "object", "properties": {"code": {"type": "string"},
                                                     "name": {"type": "string"},
                                                     "name_en": {"type": "string"}}},
        "neighbourhood": {"type": "integer", "nullable": True},
        "address": {"type": "string"}, "phone": {"type": "string"},
        "living_situation": {"type": "string"},
        "emergency_contacts": {"type": "array", "items": {"type": "object"}},
        "due_on": {"type": "string", "format": "date", "nullable": True},
        "overdue_days": {"type": "integer"},
        "status": {"type": "string", "enum": ["overdue", "due", "soon", "ok"]},
        "last_contact": {"type": "string", "format": "date", "nullable": True},
        "task": {"type": "string", "enum": ["sweep", "recheck", "due"], "nullable": True},
        "role": {"type": "string", "enum": ["primary", "backup"]},
    }}
    not_visible = {"description": "No such elder, or not one the caller may see"}
    return {
        "openapi": "3.0.3",
        "info": {"title": "Linyuan Community Care API", "version": "1",
                 "description": "Home visits to isolated elders. A volunteer sees only the "
                                "elders assigned to them (primary or backup)."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": {
            "/auth/token": {
                "post": {"summary": "Exchange a username and password for a bearer token",
                         "security": [], "requestBody": {"required": True, "content": {
                             "application/json": {"schema": {
                                 "type": "object", "required": ["username", "password"],
                                 "properties": {"username": {"type": "string"},
                                                "password": {"type": "string"}}}}}},
                         "responses": {"200": _json({"type": "object", "required": ["token"],
                                                     "properties": {
                                                         "token": {"type": "string"},
                                                         "expires_in_days": {"type": "integer"},
                                                         "role": {"type": "string"}}}),
                                       "401": ERROR, "403": ERROR}},
                "delete": {"summary": "Revoke the token used for this call",
                           "responses": {"204": {"description": "Revoked"}, "401": ERROR}},
            },
            "/elders": {"get": {"summary": "The caller's elders with their due dates",
                                "parameters": PAGE_PARAMS,
                                "responses": {"200": _json(_list_of("Elder")), "401": ERROR}}},
            "/elders/{id}": {"get": {
                "summary": "One elder", "parameters": [
                    {"name": "id", "in": "path", "required": True,
                     "schema": {"type": "integer"}}],
                "responses": {"200": _json(_ref("Elder")), "401": ERROR, "404": not_visible}}},
            "/visits": {
                "post": {"summary": "Record a visit (idempotent on uuid)",
                         "requestBody": {"required": True, "content": {
                             "application/json": {"schema": _ref("VisitIn")}}},
                         "responses": {"201": _json(_ref("Visit"), "Stored"),
                                       "200": _json(_ref("Visit"),
                                                    "Already stored with the same content"),
                                       "400": ERROR, "401": ERROR, "404": not_visible,
                                       "409": _json(_ref("Error"),
                                                    "The uuid is stored with other content"),
                                       "422": ERROR}},
                "get": {"summary": "Visits, newest first", "parameters": [
                    {"name": "elder_id", "in": "query", "schema": {"type": "integer"}},
                    *PAGE_PARAMS],
                        "responses": {"200": _json(_list_of("Visit")), "401": ERROR,
                                      "404": not_visible}},
            },
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "VisitIn": visit_in, "Visit": visit, "Elder": elder,
                "Error": {"type": "object", "required": ["error"], "properties": {
                    "error": {"type": "string"}, "errors": {"type": "object"},
                    "uuid": {"type": "string"}}},
            },
        },
    }
