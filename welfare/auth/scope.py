"""Who may see which rows, decided in one place (STYLE.md habit 12).

The acting scope (every village, some villages, a volunteer's assigned elders, a serviceman's
routes, or nothing) is set once per request from the signed-in user and by a job from its
actor. One Session event adds `with_loader_criteria` for the people-derived models a statement
reads to every ORM select, relationship load, update and delete, so a view cannot forget to
narrow; the unrestricted add nothing. Domains
declare how their models are narrowed with `narrow()` beside their models; system work that
must see everything runs inside `unrestricted()`. Core statements on tables use `criteria()`.
"""

import contextvars
import functools
import logging
from contextlib import contextmanager
from dataclasses import dataclass

import sqlalchemy as sa
from flask import abort, has_request_context, request
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session, with_loader_criteria
from sqlalchemy.sql.util import find_tables

from welfare.extensions import db

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scope:
    kind: str = "all"  # all, villages, volunteer, serviceman or nothing
    villages: tuple = ()  # sorted village ids, for kind "villages"
    user_id: int | None = None  # the volunteer's or serviceman's account

    @property
    def unrestricted(self):
        return self.kind == "all"

    def allows_village(self, village_id):
        return self.kind == "all" or (self.kind == "villages" and village_id in self.villages)

    def village_ids(self):
        """The village ids this scope is limited to, or None for every village."""
        return None if self.kind == "all" else set(self.villages)


ALL = Scope()
NOTHING = Scope("nothing")
# Set by acting() blocks. A request's own scope lives in its WSGI environ: a streamed download
# reads its rows after the view returned, with the same request object but (as the CSV export
# test showed) no longer this variable's value nor `g`'s.
REQUEST_KEY = "welfare.scope"
_current = contextvars.ContextVar("welfare_scope", default=None)
# model -> {kind: function(scope) -> where clause}; filled by the domains' narrow() calls.
_RULES = {}


def narrow(model, villages=None, volunteer=None, serviceman=None):
    """Declare how `model`'s rows are narrowed: each argument takes a tuple of village ids
    (villages) or an account id (volunteer, serviceman) and returns a where clause. A kind
    without a function sees none of the model's rows."""
    rules = _RULES.setdefault(model, {})
    for kind, build in (("villages", villages), ("volunteer", volunteer),
                        ("serviceman", serviceman)):
        if build is not None:
            rules[kind] = build
    _options.cache_clear()
    _models_by_table.cache_clear()


def scoped_models():
    return tuple(_RULES)


def for_user(user):
    """The scope of a signed-in account: admins and staff without villages see all."""
    if user is None or not getattr(user, "is_authenticated", False):
        return NOTHING
    if user.role in ("volunteer", "serviceman"):
        return Scope(user.role, user_id=user.id)
    ids = user.village_ids
    return Scope("villages", tuple(sorted(ids))) if ids else ALL


def current():
    """The acting scope: an acting() block's, else the request's (set before every view),
    else all: the CLI, a job's thread and a request context never dispatched to a view."""
    found = _current.get()
    if found is not None:
        return found
    if has_request_context():
        return request.environ.get(REQUEST_KEY, ALL)
    return ALL


@contextmanager
def acting(scope):
    """Run the block under `scope` (a Scope or a user), restoring the previous one after."""
    token = _current.set(scope if isinstance(scope, Scope) else for_user(scope))
    try:
        yield
    finally:
        _current.reset(token)


def unrestricted(reason=""):
    """System work that must see every row (recounts, freezing, sweeps, the CLI), or a
    deliberate read across the user's scope: `reason` says why, for the reader and the
    debug log (the caller must not show the user what the scope would hide)."""
    if reason:
        logger.debug("unrestricted read: %s", reason)
    return acting(ALL)


def sees_everything(func):
    """Decorate system work that must count or change every row whoever started it
    (freezing a round, planning routes, recounting, escalating alerts)."""

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        with unrestricted():
            return func(*args, **kwargs)

    return wrapped


def enter(scope_or_user):
    """Set the scope for the rest of this request (an API call signed in by a token)."""
    request.environ[REQUEST_KEY] = (scope_or_user if isinstance(scope_or_user, Scope)
                                    else for_user(scope_or_user))


def criteria(model, scope=None):
    """The where clause narrowing `model` under the scope, for Core statements and raw
    fast paths on its table; None when nothing needs narrowing."""
    scope = scope or current()
    if scope.unrestricted or model not in _RULES:
        return None
    build = _RULES[model].get(scope.kind)
    if build is None:
        return sa.false()
    return build(scope.villages if scope.kind == "villages" else scope.user_id)


def village_filter(column):
    """`column IN (the scope's villages)` for lists of villages to choose from or print
    (reference data, not narrowed by the session); true when not limited to villages."""
    scope = current()
    return column.in_(scope.villages) if scope.kind == "villages" else sa.true()


@functools.lru_cache(maxsize=512)
def _options(scope):
    return {model: with_loader_criteria(model, criteria(model, scope), include_aliases=True)
            for model in _RULES}


@functools.cache
def _models_by_table():
    """Each mapped table: the scoped models a statement reading it loads, its own and those
    its rows join eagerly (lazy="joined"), so a select adds only the criteria it needs."""
    def joined(mapper, seen):
        seen.add(mapper)
        found = {mapper.class_} & set(_RULES)
        for rel in mapper.relationships:
            if rel.lazy == "joined" and rel.mapper not in seen:
                found |= joined(rel.mapper, seen)
        return found

    by_table = {}
    for mapper in db.Model.registry.mappers:
        by_table.setdefault(mapper.local_table, set()).update(joined(mapper, set()))
    return {table: tuple(models) for table, models in by_table.items()}


def _involved(statement):
    """The scoped models a statement reads; all of them when it carries loader options
    (a joinedload() reaches tables the statement does not name)."""
    if statement._with_options:
        return _RULES
    by_table = _models_by_table()
    found = set()
    for table in find_tables(statement, check_columns=True, include_aliases=True,
                             include_joins=True, include_crud=True):
        found.update(by_table.get(getattr(table, "element", table), ()))
    return found


@event.listens_for(Session, "do_orm_execute")
def _narrow_every_statement(state):
    scope = current()
    if scope.unrestricted or state.is_column_load:
        # A column load refreshes an object this scope already loaded.
        return
    if state.is_select or state.is_update or state.is_delete:
        options = _options(scope)
        needed = [options[model] for model in _involved(state.statement)]
        if needed:
            state.statement = state.statement.options(*needed)


def get_or_404(model, ident):
    """The row by primary key if the scope shows it, else 404. A select (not Session.get)
    so an object already in the identity map is still checked against the scope."""
    found = db.session.scalar(sa.select(model).where(
        sa.inspect(model).primary_key[0] == ident))
    if found is None:
        abort(404)
    return found


def install(app):
    """Set the scope from the signed-in user before each request."""

    @app.before_request
    def _enter_request_scope():
        enter(current_user)
