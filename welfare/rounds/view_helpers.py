"""What the rounds views share: finding a round or a row, one-step POST actions, downloads."""

from urllib.parse import quote

from flask import Response, abort, flash, redirect
from flask_login import current_user

from welfare.auth import scope
from welfare.extensions import db
from welfare.rounds.models import Round, RoundEntry
from welfare.uow import unit_of_work


def get_round(round_id):
    return db.get_or_404(Round, round_id)


def frozen_round(round_id):
    round_ = get_round(round_id)
    if not round_.is_frozen:
        abort(404)
    return round_


def visible_entry(round_id, entry_id):
    entry = scope.get_or_404(RoundEntry, entry_id)
    if entry.round_id != round_id:
        abort(404)
    return entry


def require_role(roles):
    """For a page that anyone in one set may read but only another set may change."""
    if current_user.role not in roles:
        abort(403)


def act(target, action, message):
    """A POST without a form: run `action()` as one unit of work, flash `message(result)`
    (or the refusal) and redirect to `target`."""
    with unit_of_work() as work:
        result = action()
    if work.ok:
        flash(message(result), "success")
    else:
        work.flash_errors()
    return redirect(target)


def download(data, mimetype, filename):
    """A file to save, its name in UTF-8 (RFC 6266) for Chinese village names."""
    return Response(data, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(filename)}"})
