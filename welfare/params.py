"""Request input judged in one place: URL numbers bounded to what the database holds,
query-string numbers parsed by one helper, NUL characters refused, and 400/413 answered
with a message the user can act on."""

from http import HTTPStatus

from flask import current_app, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest
from werkzeug.routing.converters import IntegerConverter

# Every id column is a 32-bit integer on PostgreSQL.
INT32_MAX = 2**31 - 1
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class BoundedIntConverter(IntegerConverter):
    """<int:...> URL parts beyond a database integer are not found (404), not a crash."""

    def __init__(self, map, fixed_digits=0, min=None, max=INT32_MAX, signed=False):  # noqa: A002
        if signed and min is None:
            min = -INT32_MAX - 1  # noqa: A001
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


class InvalidInput(BadRequest):
    """A 400 whose description is a message for the user."""


def whole_number(text, minimum=0, maximum=INT32_MAX):
    """The int written in `text` (ASCII digits, maybe a minus sign) when it lies between
    minimum and maximum, else None."""
    text = (text or "").strip()
    digits = text[1:] if text[:1] == "-" else text
    if not digits.isascii() or not digits.isdigit() or len(digits) > 18:
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


def int_arg(name, default=None, minimum=0, maximum=INT32_MAX, values=None, label=None):
    """A whole number from the query string (or `values`, e.g. request.form); `default` when
    absent or empty; anything else answers 400 saying which value (`label`) is wrong."""
    values = request.args if values is None else values
    text = (values.get(name) or "").strip()
    if not text:
        return default
    number = whole_number(text, minimum, maximum)
    if number is None:
        shown = text if len(text) <= 20 else text[:20] + "…"
        raise InvalidInput(_("“%(value)s” is not a valid value for “%(name)s”: enter a whole "
                             "number from %(min)s to %(max)s.", value=shown,
                             name=label or name, min=minimum, max=maximum))
    return number


def page_arg(name="page"):
    """The page number asked for; anything that is not a page number means the first page."""
    return whole_number(request.args.get(name), minimum=1) or 1


def _has_nul(value):
    """True when a JSON value (or a string) holds a NUL character anywhere."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def fields_with_nul():
    """The names of the request parts holding a NUL character: query and form fields,
    upload names, top-level JSON members ("" for the path or the body as a whole)."""
    found = []
    if "\x00" in request.path:
        found.append("")
    found += [key for key, value in request.args.items(multi=True) if _has_nul([key, value])]
    if request.mimetype in FORM_TYPES:
        found += [key for key, value in request.form.items(multi=True)
                  if _has_nul([key, value])]
        found += [key for key, upload in request.files.items(multi=True)
                  if _has_nul([key, upload.filename or ""])]
    if request.is_json:
        try:
            body = request.get_json(silent=True)
        except RecursionError:  # nested too deep to parse: the view refuses it itself
            body = None
        if isinstance(body, dict):
            found += [key if "\x00" not in key else "" for key, value in body.items()
                      if _has_nul([key, value])]
        elif _has_nul(body):
            found.append("")
    return list(dict.fromkeys(found))


def request_has_nul():
    """NUL in the path, query string, form fields, upload names or a JSON body."""
    return bool(fields_with_nul())


def wants_json():
    return request.path.startswith("/api/") or request.is_json


def problem_json(status, detail, **extra):
    """An RFC 9457 problem+json response (the JSON API's one error shape)."""
    body = {"type": "about:blank", "title": HTTPStatus(status).phrase, "status": status,
            "detail": str(detail), **extra}
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def problem(status, message):
    """The error page, or a JSON problem body for the API."""
    if wants_json():
        return problem_json(status, message)
    return render_template("errors/400.html", message=message), status


def refuse_nul():
    fields = fields_with_nul()
    if not fields:
        return None
    message = _("The request contains a NUL character (\\0), which is not allowed. "
                "Remove it and try again.")
    if wants_json():
        return problem_json(400, message, errors={name: str(message) for name in fields})
    return problem(400, message)


def bad_request(error):
    if isinstance(error, InvalidInput):
        return problem(400, error.description)
    return problem(400, _("The request could not be understood. Go back, reload the page "
                          "and try again."))


def too_large(error):
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return problem(413, _("The file is too large: uploads may be at most %(mb)s MB. Split it "
                          "into smaller files.", mb=f"{limit / 2**20:g}"))


def init_app(app):
    """Call before any blueprint is registered, so every <int:...> route is bounded."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(refuse_nul)
    app.register_error_handler(400, bad_request)
    app.register_error_handler(413, too_large)
