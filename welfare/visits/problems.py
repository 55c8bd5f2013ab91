"""How the JSON API refuses a request: RFC 9457 problem details, and the checks answered
400 (text with NUL or too long, numbers out of range, half a position) before any rule
runs. Pure Python: no database round trip."""

import re

from flask import request
from flask_babel import gettext as _

from welfare.errors import ServiceError
from welfare.params import problem_json
from welfare.visits import rules
from welfare.visits.recording import MAX_PHOTO_BYTES, VisitConflict

PROBLEM_JSON = "application/problem+json"
ID_MAX = 2**31 - 1  # integer columns on PostgreSQL
# Longest text the API reads in each field of a visit (a data URL is 4/3 of the bytes).
TEXT_LIMITS = {"uuid": 36, "kind": 20, "outcome": 20, "visited_at": 40, "notes": 4000,
               "photo": (MAX_PHOTO_BYTES * 4) // 3 + 100}
VISIT_FIELDS = (*TEXT_LIMITS, "elder_id", "duration_minutes", "assessment", "needs")
CREDENTIAL_LIMITS = {"username": 64, "password": 200}
_INTEGER = re.compile(r"[+-]?[0-9]{1,20}")


class BadInput(ServiceError):
    """The request is not one the OpenAPI document allows: answered 400."""


class Refused(ServiceError):
    """A refusal answered with `status` and its message, without field errors."""

    status = 422


class NoSuchElder(Refused):
    status = 404

    def __init__(self):
        super().__init__(_("No such elder among yours."))


class ElderNeeded(Refused):
    status = 400

    def __init__(self):
        super().__init__(_("Give elder_id: your account is limited to some villages."))


def problem(status, detail, errors=(), **extra):
    """A problem+json response; `errors` are (field, message) pairs."""
    if errors:
        extra["errors"] = {field or "": str(message) for field, message in errors}
    response = problem_json(status, detail, **extra)
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="welfare"'
    return response


def bad_input(exc, detail=None):
    return problem(400, detail or _("Some values cannot be read."), exc.errors)


def refusal(exc):
    """The problem+json answer to a ServiceError raised while serving the API."""
    if isinstance(exc, VisitConflict):
        return problem(409, exc.errors[0][1], uuid=exc.visit.uuid)
    if isinstance(exc, BadInput):
        return bad_input(exc)
    if isinstance(exc, Refused):
        return problem(exc.status, exc)
    return problem(422, exc, exc.errors)


def query_int(name, default, low=1, high=ID_MAX):
    """An integer query argument within [low, high]; raises BadInput otherwise."""
    raw = request.args.get(name)
    if raw is None:
        return default
    if _INTEGER.fullmatch(raw.strip()) and low <= int(raw) <= high:
        return int(raw)
    raise BadInput((name, _("Send a whole number from %(low)s to %(high)s.",
                            low=low, high=high)))


def _unstorable(value):
    """Text with NUL (PostgreSQL refuses it) or a lone surrogate (not UTF-8), at any depth."""
    if isinstance(value, str):
        if "\x00" in value:
            return True
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_unstorable(k) or _unstorable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_unstorable(v) for v in value)
    return False


def text_errors(data, limits, fields):
    """Text that cannot be stored, and text longer than its field allows (unknown fields
    are not read, so not checked)."""
    errors = []
    for field in fields:
        value = data.get(field)
        if _unstorable(value):
            errors.append((field, _("The text has a character that cannot be stored "
                                    "(such as NUL).")))
        elif isinstance(value, str) and field in limits and len(value) > limits[field]:
            errors.append((field, _("Send at most %(limit)s characters.",
                                    limit=limits[field])))
    return errors


def check_visit_input(data):
    """Raise BadInput for what a visit may not carry in any case."""
    errors = text_errors(data, TEXT_LIMITS, VISIT_FIELDS)
    volunteer_id = data.get("volunteer_id")
    if volunteer_id is not None and (isinstance(volunteer_id, bool) or not isinstance(
            volunteer_id, int) or not 1 <= volunteer_id <= ID_MAX):
        errors.append(("volunteer_id", _("Send a whole number from %(low)s to %(high)s.",
                                         low=1, high=ID_MAX)))
    if rules.half_position(data.get("lat"), data.get("lng")):
        missing = "lng" if data.get("lng") is None else "lat"
        errors.append((missing, _("Send both latitude and longitude, or neither.")))
    if errors:
        raise BadInput(*errors)


def check_credentials(data):
    """Raise BadInput unless username and password are text the sign-in can look up."""
    errors = text_errors(data, CREDENTIAL_LIMITS, CREDENTIAL_LIMITS)
    for field in CREDENTIAL_LIMITS:
        if not isinstance(data.get(field), str):
            errors.append((field, _("Send a username and a password.")))
    if errors:
        raise BadInput(*errors)
