"""The OpenAPI 3 description of /api/v1: every answer the API gives, with its body.
tests/visits/test_api_fuzz.py holds the code to it with schemathesis."""

from welfare.visits import openapi_schemas as schemas
from welfare.visits.problems import ID_MAX, PROBLEM_JSON


def _ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema, description="OK"):
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _problem(description):
    return {"description": description,
            "content": {PROBLEM_JSON: {"schema": _ref("Problem")}}}


BAD_INPUT = _problem("A value cannot be read: a number out of range, text with NUL or too "
                     "long, half a position (field errors in `errors`)")
SIGNED_OUT = _problem("The bearer token is missing, wrong, expired or revoked")
WRONG_ROLE = _problem("The account's role cannot use this API")
NOT_VISIBLE = _problem("No such elder, or not one the caller may see")
TOO_LARGE = _problem("The body is larger than the server takes")
TOKEN_ERRORS = {"401": SIGNED_OUT, "403": WRONG_ROLE}
PAGE_PARAMS = [
    {"name": "page", "in": "query",
     "schema": {"type": "integer", "minimum": 1, "maximum": ID_MAX, "default": 1}},
    {"name": "per_page", "in": "query",
     "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
]


def _paths():
    return {
        "/auth/token": {
            "post": {
                "summary": "Exchange a username and password for a bearer token",
                "security": [],
                "requestBody": {"required": True, "content": {
                    "application/json": {"schema": _ref("TokenRequest")}}},
                "responses": {
                    "200": _json(_ref("Token")),
                    "400": _problem("No username or password, or one that cannot be read"),
                    "401": _problem("Wrong username or password, or the account is locked"),
                    "403": WRONG_ROLE, "413": TOO_LARGE}},
            "delete": {"summary": "Revoke the token used for this call",
                       "responses": {"204": {"description": "Revoked"}, "401": SIGNED_OUT}},
        },
        "/elders": {"get": {
            "summary": "The caller's elders with their due dates",
            "parameters": PAGE_PARAMS,
            "responses": {"200": _json(schemas.list_of("Elder")), "400": BAD_INPUT,
                          **TOKEN_ERRORS}}},
        "/elders/{id}": {"get": {
            "summary": "One elder",
            "parameters": [{"name": "id", "in": "path", "required": True,
                            "schema": schemas.ID,
                            "description": "Anything but a visible elder's id is 404"}],
            "responses": {"200": _json(_ref("Elder")), **TOKEN_ERRORS,
                          "404": NOT_VISIBLE}}},
        "/visits": {
            "post": {
                "summary": "Record a visit (idempotent on uuid)",
                "requestBody": {"required": True, "content": {
                    "application/json": {"schema": _ref("VisitIn")}}},
                "responses": {
                    "201": _json(_ref("Visit"), "Stored"),
                    "200": _json(_ref("Visit"), "Already stored with the same content"),
                    "400": _problem("Not a JSON object, or a value that cannot be read "
                                    "(see VisitIn)"),
                    **TOKEN_ERRORS, "404": NOT_VISIBLE,
                    "409": _problem("The uuid is stored with other content"),
                    "413": TOO_LARGE,
                    "422": _problem("A field breaks a rule (field errors in `errors`)")}},
            "get": {
                "summary": "Visits, newest first",
                "parameters": [{"name": "elder_id", "in": "query", "schema": schemas.ID,
                                "description": "Required for staff limited to villages"},
                               *PAGE_PARAMS],
                "responses": {"200": _json(schemas.list_of("Visit")),
                              "400": _problem("A number out of range, or no elder_id from "
                                              "staff limited to villages"),
                              **TOKEN_ERRORS, "404": NOT_VISIBLE}},
        },
    }


def document():
    return {
        "openapi": "3.0.3",
        "info": {"title": "Community Care API", "version": "1",
                 "description": "Home visits to isolated elders. A volunteer sees only the "
                                "elders assigned to them (primary or backup). Errors are "
                                "problem details (application/problem+json)."},
        "servers": [{"url": "/api/v1"}],
        "security": [{"bearer": []}],
        "paths": _paths(),
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "From POST /auth/token"}},
            "schemas": {
                "VisitIn": schemas.VISIT_IN, "Visit": schemas.VISIT, "Elder": schemas.ELDER,
                "Problem": schemas.PROBLEM, "TokenRequest": schemas.TOKEN_IN,
                "Token": schemas.TOKEN,
            },
        },
    }
