"""JSON API under /api/v1 (bearer tokens only: no cookies, so no CSRF). Errors are
problem+json (problems.py), as the OpenAPI document (openapi.py) says."""

from functools import wraps

import sqlalchemy as sa
from flask import current_app, g, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from welfare.auth import scope
from welfare.auth import services as auth_services
from welfare.auth.models import OFFICE_ROLES, User
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.roster.models import IsolatedElder
from welfare.visits import api_bp, problems, queries, services, sync, tokens
from welfare.visits.models import Assignment, Visit, Volunteer
from welfare.visits.openapi import document
from welfare.visits.problems import BadInput, bad_input, problem, query_int
from welfare.visits.serialise import elder_json, visit_json

API_ROLES = OFFICE_ROLES + ("volunteer",)
ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def _signed_out():
    return problem(401, _("Sign in again: the token is missing, wrong or expired."))


def _not_for_this_role():
    return problem(403, _("This account cannot use the visits API."))


def _no_such_elder():
    return problem(404, _("No such elder among yours."))


@api_bp.errorhandler(BadInput)
def refuse_bad_input(exc):
    return bad_input(exc)


@api_bp.errorhandler(HTTPException)
def refuse_http_error(exc):
    if exc.code == 413:
        return problem(413, _("The request is too large."))
    return problem(exc.code, _("The request cannot be handled."))


@api_bp.route("/<path:rest>", methods=ALL_METHODS)
def no_such_path(rest):
    """Answer unknown API paths and methods in problem+json, not the HTML error page."""
    adapter = current_app.create_url_adapter(request)
    allowed = []
    for method in ALL_METHODS:
        try:
            endpoint, _args = adapter.match(request.path, method=method)
        except HTTPException:
            continue
        if endpoint != request.endpoint:
            allowed.append(method)
    if not allowed:
        return problem(404, _("There is no such API address."))
    response = problem(405, _("This API address does not take that method."))
    response.headers["Allow"] = ", ".join(allowed)
    return response


def _bearer():
    header = request.headers.get("Authorization", "")
    scheme, _sep, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" else ""


def token_required(view):
    @wraps(view)
    def wrapped(*args, **kwargs):
        user = tokens.user_for_token(_bearer())
        if user is None:
            db.session.commit()
            return _signed_out()
        if user.role not in API_ROLES:
            return _not_for_this_role()
        g.api_user = user
        scope.enter(user)
        return view(*args, **kwargs)

    return wrapped


def _page_args():
    return query_int("page", 1), query_int("per_page", 50, high=200)


def _api_volunteer():
    """The caller's volunteer profile, looked up once per request."""
    if "api_volunteer" not in g:
        g.api_volunteer = queries.volunteer_for(g.api_user)
    return g.api_volunteer


def _elder_id(value):
    """An elder id from JSON or a URL (a number or a string of digits), else None."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**31:
        return None
    return value


def _visible_elder(elder_id):
    elder_id = _elder_id(elder_id)
    if elder_id is None:
        return None
    # The person's name comes along; the village and household do not (hot path).
    person = sa.orm.joinedload(IsolatedElder.person).lazyload("*")
    if g.api_user.role == "volunteer":
        # Same rule as queries.can_see_elder, folded into the load: one select, not two.
        volunteer = _api_volunteer()
        if volunteer is None:
            return None
        return db.session.scalar(
            sa.select(IsolatedElder).join(Assignment, Assignment.elder_id == IsolatedElder.id)
            .where(IsolatedElder.id == elder_id,
                   sa.or_(Assignment.primary_id == volunteer.id,
                          Assignment.backup_id == volunteer.id))
            .options(person))
    elder = db.session.get(IsolatedElder, elder_id, options=[person])
    if elder is None or not queries.can_see_elder(g.api_user, elder):
        return None
    return elder


@api_bp.after_request
def no_store(response):
    response.headers["Cache-Control"] = "no-store"
    return response


@api_bp.route("/openapi.json")
def openapi():
    return jsonify(document())


@api_bp.route("/auth/token", methods=["POST"])
def token():
    data = request.get_json(silent=True)
    data = data if isinstance(data, dict) else {}
    try:
        problems.check_credentials(data)
    except BadInput as exc:
        return bad_input(exc, _("Send a username and a password."))
    username, password = data["username"], data["password"]
    try:
        user = auth_services.authenticate(username, password,
                                          current_app.config["LOGIN_MAX_FAILURES"],
                                          current_app.config["LOGIN_LOCK_MINUTES"])
    except ServiceError as exc:
        db.session.commit()  # keep the failure count
        return problem(401, exc)
    if user.role not in API_ROLES:
        db.session.commit()
        return _not_for_this_role()
    raw = tokens.issue_token(user, current_app.config["VISITS_TOKEN_DAYS"])
    db.session.commit()
    return jsonify({"token": raw, "expires_in_days": current_app.config["VISITS_TOKEN_DAYS"],
                    "role": user.role})


@api_bp.route("/auth/token", methods=["DELETE"])
@token_required
def revoke():
    tokens.revoke_token(_bearer())
    db.session.commit()
    return "", 204


@api_bp.route("/elders")
@token_required
def elders():
    page, per_page = _page_args()
    today = queries.local_today()
    user = g.api_user
    volunteer = queries.volunteer_for(user) if user.role == "volunteer" else None
    if user.role == "volunteer":
        ids = sorted(queries.volunteer_elder_ids(volunteer))
        rows = queries.schedule_rows(today, elder_ids=ids) if ids else []
        tasks = {row.elder_id: kind for kind, row in queries.today_tasks(volunteer, today)}
    else:
        rows = queries.board(today, user)
        tasks = {}
    total = len(rows)
    rows = rows[(page - 1) * per_page:page * per_page]
    elders_by_id = {e.id: e for e in db.session.scalars(
        db.select(IsolatedElder).where(IsolatedElder.id.in_([r.elder_id for r in rows])))}
    items = [elder_json(elders_by_id[r.elder_id], r, tasks.get(r.elder_id), volunteer)
             for r in rows]
    return jsonify({"items": items, "page": page, "per_page": per_page, "total": total})


@api_bp.route("/elders/<elder_id>")
@token_required
def elder(elder_id):
    found = _visible_elder(elder_id)
    if found is None:
        return _no_such_elder()
    rows = queries.schedule_rows(queries.local_today(), elder_ids=[found.id])
    volunteer = _api_volunteer()
    return jsonify(elder_json(found, rows[0] if rows else None, None, volunteer))


@api_bp.route("/visits", methods=["POST"])
def create_visit():
    """The phone's sync: one select finds the caller and the elder, one insert stores the
    visit (or finds the uuid stored), one more the audit row; then commit."""
    data = request.get_json(silent=True)
    elder_id = _elder_id(data.get("elder_id")) if isinstance(data, dict) else None
    connection = db.session.connection()
    caller = sync.caller(connection, _bearer(), elder_id)
    if caller is None:
        db.session.commit()
        return _signed_out()
    if caller.role not in API_ROLES:
        return _not_for_this_role()
    if not isinstance(data, dict):
        return problem(400, _("Send the visit as a JSON object."))
    problems.check_visit_input(data)
    if caller.role != "volunteer":
        g.api_user = db.session.get(User, caller.user_id)
        scope.enter(g.api_user)
        return _create_visit_for_office(data)
    scope.enter(scope.Scope("volunteer", user_id=caller.user_id))
    if caller.elder_id is None:
        return _no_such_elder()
    return _save(data, elder_id=caller.elder_id, care_level=caller.care_level,
                 elder_name=caller.elder_name, actor_id=caller.user_id,
                 volunteer_id=caller.volunteer_id, follow_up=sync.follow_up(caller),
                 connection=connection)


def _create_visit_for_office(data):
    """Office staff record for any elder in their villages, on a volunteer's behalf."""
    elder_found = _visible_elder(data.get("elder_id"))
    if elder_found is None:
        return _no_such_elder()
    volunteer = None
    if data.get("volunteer_id") is not None:  # a number in range (check_visit_input)
        volunteer = db.session.get(Volunteer, data["volunteer_id"])
        if volunteer is None:
            return problem(422, _("No such volunteer."),
                           [("volunteer_id", _("No such volunteer."))])
    return _save(data, elder_id=elder_found.id, care_level=elder_found.care_level,
                 elder_name=elder_found.person.name, actor_id=g.api_user.id,
                 volunteer_id=volunteer.id if volunteer else None,
                 follow_up=services.follow_up_for(elder_found.id))


def _save(data, **known):
    try:
        visit, created = services.save_visit(data, **known)
    except services.VisitConflict as exc:
        db.session.rollback()
        return problem(409, exc.errors[0][1], uuid=exc.visit.uuid)
    except ServiceError as exc:
        db.session.rollback()
        return problem(422, exc, exc.errors)
    body = visit_json(visit)
    db.session.commit()
    return jsonify(body), 201 if created else 200


@api_bp.route("/visits")
@token_required
def list_visits():
    page, per_page = _page_args()
    elder_id = query_int("elder_id", None)
    user = g.api_user
    stmt = db.select(Visit).order_by(Visit.visited_at.desc(), Visit.id.desc())
    if elder_id is not None:
        if _visible_elder(elder_id) is None:
            return _no_such_elder()
        stmt = stmt.where(Visit.elder_id == elder_id)
    elif user.role == "volunteer":
        stmt = stmt.where(Visit.elder_id.in_(
            queries.volunteer_elder_ids(queries.volunteer_for(user)) or {0}))
    elif user.village_ids:
        return problem(400, _("Give elder_id: your account is limited to some villages."))
    pagination = db.paginate(stmt, page=page, per_page=per_page, error_out=False)
    return jsonify({"items": [visit_json(v) for v in pagination.items], "page": page,
                    "per_page": per_page, "total": pagination.total})
