"""Who is calling the JSON API: a bearer token (no cookies, so no CSRF), checked once per
request by a decorator before the view runs; the caller's scope is entered there."""

from functools import wraps

from flask import g, request
from flask_babel import gettext as _

from welfare.auth import scope
from welfare.auth.models import User
from welfare.auth.permissions import API_CALLERS, VOLUNTEERS
from welfare.extensions import db
from welfare.visits import sync, tokens
from welfare.visits.api_queries import elder_id
from welfare.visits.problems import problem


def bearer():
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def signed_out():
    return problem(401, _("Sign in again: the token is missing, wrong or expired."))


def not_for_this_role():
    return problem(403, _("This account cannot use the visits API."))


def token_required(view):
    """A live token of an account that may use the API: its user is g.api_user."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        user = tokens.user_for_token(bearer())
        if user is None:
            return signed_out()
        if user.role not in API_CALLERS:
            return not_for_this_role()
        g.api_user = user
        scope.enter(user)
        return view(*args, **kwargs)

    return wrapped


def sync_caller_required(view):
    """The phone's sync: the token, its account, the volunteer profile and the elder the
    JSON body names (if assigned to that volunteer) in one select (sync.caller), kept as
    g.api_caller. An office account is loaded as g.api_user; a volunteer's is not needed."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        data = request.get_json(silent=True)
        caller = sync.caller(bearer(), elder_id(data.get("elder_id"))
                             if isinstance(data, dict) else None)
        if caller is None:
            return signed_out()
        if caller.role not in API_CALLERS:
            return not_for_this_role()
        g.api_caller = caller
        if caller.role in VOLUNTEERS:
            scope.enter(scope.Scope("volunteer", user_id=caller.user_id))
        else:
            g.api_user = db.session.get(User, caller.user_id)
            scope.enter(g.api_user)
        return view(*args, **kwargs)

    return wrapped
