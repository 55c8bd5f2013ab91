"""One unit of work per request (STYLE habit 11): the service runs inside `unit_of_work`,
which commits once on success and, on a `ServiceError`, rolls back and keeps the messages
for the form, a flash or a JSON problem body. Any other exception rolls back and goes on."""

from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import flash, jsonify, redirect, render_template

from welfare.errors import ServiceError
from welfare.extensions import db


@dataclass
class Work:
    """What became of one unit of work."""

    failed: bool = False
    errors: list = field(default_factory=list)  # messages not attached to a form field
    field_errors: list = field(default_factory=list)  # every (field, message) pair

    @property
    def ok(self):
        return not self.failed

    def flash_errors(self):
        """Show each message as an error notice on the next page."""
        for message in self.errors:
            flash(message, "error")

    def problem(self, status=409, title=None):
        """A JSON problem body (RFC 9457) carrying the messages."""
        body = {"type": "about:blank", "title": str(title or (self.errors or ["Conflict"])[0]),
                "status": status,
                "detail": "; ".join(str(m) for _, m in self.field_errors),
                "errors": [{"field": f, "message": str(m)} for f, m in self.field_errors]}
        response = jsonify(body)
        response.status_code = status
        response.mimetype = "application/problem+json"
        return response


@contextmanager
def unit_of_work(form=None):
    """Commit what the block wrote; on ServiceError roll back and report it on `work`
    (field errors are put on `form` when given)."""
    work = Work()
    try:
        yield work
    except ServiceError as exc:
        db.session.rollback()
        work.failed = True
        work.field_errors = list(exc.errors)
        work.errors = exc.apply_to(form) if form is not None else [m for _, m in exc.errors]
        return
    except BaseException:
        db.session.rollback()
        raise
    db.session.commit()


def save_form(form, action, then, allowed=True):
    """The form → service → flash → redirect shape. When `form` is sent, validates and is
    `allowed`, run `action()` in a unit of work; on success `then(result)` gives (notice, url):
    flash the notice, return (a redirect to url, []). Otherwise return (None, the messages
    without a field) and the field messages are on the form."""
    if not (allowed and form.validate_on_submit()):
        return None, []
    with unit_of_work(form) as work:
        result = action()
    if work.failed:
        return None, work.errors
    notice, url = then(result)
    flash(notice, "success")
    return redirect(url), []


def form_page(form, action, then, template, **context):
    """A whole form page: `save_form`, and when nothing was saved show `template` again with
    the form, its general `errors` and `context`."""
    done, errors = save_form(form, action, then)
    return done or render_template(template, form=form, errors=errors, **context)


def do_action(action, url, notice=None):
    """A POST button without a form: run `action()` in a unit of work; flash `notice` (or,
    without one, what `action` returned) or the errors, nothing kept; redirect to `url`."""
    with unit_of_work() as work:
        result = action()
    if work.ok:
        flash(notice or result, "success")
    else:
        work.flash_errors()
    return redirect(url)
