"""JSON API under /api/v1 (bearer tokens only: no cookies, so no CSRF). Every endpoint
checks its caller with a decorator (api_access.py) and writes in one unit of work; errors
are problem+json (problems.py), as the OpenAPI document (openapi.py) says."""

from flask import current_app, g, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from welfare.auth import services as auth_services
from welfare.auth.permissions import API_CALLERS
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.uow import unit_of_work
from welfare.visits import api_bp, api_queries, problems, queries, services, tokens
from welfare.visits.api_access import (
    bearer,
    not_for_this_role,
    sync_caller_required,
    token_required,
)
from welfare.visits.openapi import document
from welfare.visits.problems import BadInput, bad_input, problem, query_int
from welfare.visits.serialise import elder_json, visit_json

ALL_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def _answer(build):
    """Run build() in one unit of work (committed on success, which keeps a token's last
    use) and answer its JSON body, or body and status; a service's refusal is answered in
    problem+json."""
    refused = []
    with unit_of_work() as work:
        try:
            body = build()
        except ServiceError as exc:
            refused.append(exc)
            raise
    if work.failed:
        return problems.refusal(refused[0])
    body, status = body if isinstance(body, tuple) else (body, 200)
    return (jsonify(body) if isinstance(body, dict) else body), status


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


def _page_args():
    return query_int("page", 1), query_int("per_page", 50, high=200)


def _api_volunteer():
    """The caller's volunteer profile, looked up once per request."""
    if "api_volunteer" not in g:
        g.api_volunteer = queries.volunteer_for(g.api_user)
    return g.api_volunteer


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
    days, refused = current_app.config["VISITS_TOKEN_DAYS"], None
    with unit_of_work():  # a refused password is committed too: the failure count is kept
        try:
            user = auth_services.authenticate(data["username"], data["password"],
                                              current_app.config["LOGIN_MAX_FAILURES"],
                                              current_app.config["LOGIN_LOCK_MINUTES"])
        except ServiceError as exc:
            refused = problem(401, exc)
        else:
            if user.role not in API_CALLERS:
                refused = not_for_this_role()
            else:
                raw = tokens.issue_token(user, days)
    return refused or jsonify({"token": raw, "expires_in_days": days, "role": user.role})


@api_bp.route("/auth/token", methods=["DELETE"])
@token_required
def revoke():
    def body():
        tokens.revoke_token(bearer())
        return "", 204

    return _answer(body)


@api_bp.route("/elders")
@token_required
def elders():
    page, per_page = _page_args()

    def body():
        volunteer = _api_volunteer()
        rows, tasks = api_queries.elder_rows(g.api_user, volunteer, queries.local_today())
        shown = rows[(page - 1) * per_page:page * per_page]
        by_id = api_queries.elders_by_id([r.elder_id for r in shown])
        return {"items": [elder_json(by_id[r.elder_id], r, tasks.get(r.elder_id), volunteer)
                          for r in shown],
                "page": page, "per_page": per_page, "total": len(rows)}

    return _answer(body)


@api_bp.route("/elders/<elder_id>")
@token_required
def elder(elder_id):
    def body():
        found = api_queries.visible_elder(g.api_user, elder_id, _api_volunteer())
        rows = queries.schedule_rows(queries.local_today(), elder_ids=[found.id])
        return elder_json(found, rows[0] if rows else None, None, _api_volunteer())

    return _answer(body)


@api_bp.route("/visits", methods=["POST"])
@sync_caller_required
def create_visit():
    """The phone's sync: the decorator's one select found the caller and the elder; one
    insert stores the visit (or finds the uuid stored) with its audit row; then commit."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        return problem(400, _("Send the visit as a JSON object."))
    problems.check_visit_input(data)

    def body():
        visit, created = services.sync_visit(g.api_caller, g.get("api_user"), data)
        return visit_json(visit), 201 if created else 200

    return _answer(body)


@api_bp.route("/visits")
@token_required
def list_visits():
    page, per_page = _page_args()
    elder_id = query_int("elder_id", None)

    def body():
        elder = (None if elder_id is None else
                 api_queries.visible_elder(g.api_user, elder_id, _api_volunteer()))
        stmt = api_queries.visits_statement(g.api_user, _api_volunteer(), elder)
        pagination = db.paginate(stmt, page=page, per_page=per_page, error_out=False)
        return {"items": [visit_json(v) for v in pagination.items], "page": page,
                "per_page": per_page, "total": pagination.total}

    return _answer(body)
