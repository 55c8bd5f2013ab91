"""The serviceman's phone: his routes, one route's stops, doorstep outcomes (idempotent)."""

import base64
import uuid

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from welfare.auth.permissions import PHONE_ROUTES, SERVICEMEN, roles_required
from welfare.delivery import bp, mapping, outcomes, queries, rules
from welfare.delivery.labels import OUTCOME_LABELS, goods_with_units
from welfare.errors import ServiceError
from welfare.params import int_arg
from welfare.uow import Work, unit_of_work


@bp.app_context_processor
def phone_helpers():
    return {"new_uuid": lambda: str(uuid.uuid4())}


@bp.route("/my")
@roles_required(*SERVICEMEN)
def my_routes():
    return render_template("delivery/my_routes.html", routes=queries.routes_for_user(current_user))


def _my_route(route_id):
    route = queries.route_for_user(route_id, current_user)
    if route is None:
        abort(404)
    return route


@bp.route("/my/routes/<int:route_id>")
@roles_required(*PHONE_ROUTES)
def phone_route(route_id):
    """One stop per screen: `?n=` (1-based), else the first stop not yet reported."""
    route = _my_route(route_id)
    n = int_arg("n", minimum=1, label=_("Stop"))
    if n is None:
        n = rules.next_unreported([s.outcome for s in route.stops])
        if n is None:
            return redirect(url_for("delivery.phone_stops", route_id=route.id))
    if n > len(route.stops):
        abort(404)
    return _stop_screen(route, n)


def _stop_screen(route, n, errors=(), chosen=None, note="", status=200):
    stop = route.stops[n - 1]
    outcomes_so_far = [s.outcome for s in route.stops]
    outcomes_so_far[n - 1] = outcomes_so_far[n - 1] or "saved"
    after = rules.next_unreported(outcomes_so_far, start=n)
    header, body, script = mapping.stop_map(route, stop)
    return render_template(
        "delivery/phone_route.html", route=route, event=route.event, stop=stop, n=n,
        total=len(route.stops), reported=sum(1 for s in route.stops if s.outcome),
        after=after, outcomes=OUTCOME_LABELS, errors=errors, chosen=chosen, note=note,
        goods=goods_with_units(route.event, stop), stop_map=(header, body, script),
    ), status


@bp.route("/my/routes/<int:route_id>/stops")
@roles_required(*PHONE_ROUTES)
def phone_stops(route_id):
    """Every stop of the route as a short list, to jump to one."""
    route = _my_route(route_id)
    return render_template("delivery/phone_stops.html", route=route, event=route.event,
                           outcomes=OUTCOME_LABELS,
                           reported=sum(1 for s in route.stops if s.outcome))


def _record(payload):
    """Store one report in a unit of work: (work, (outcome, created) or None, status), the
    status being the refusal's (404 no such stop, 409 a used identifier, else 400)."""
    stored, status = None, 400
    with unit_of_work() as work:
        try:
            stored = outcomes.record_outcome(payload, actor=current_user)
        except ServiceError as exc:
            status = getattr(exc, "status", 400)
            raise
    return work, stored, status


@bp.route("/api/outcomes", methods=["POST"])
@roles_required(*PHONE_ROUTES)
def api_outcome():
    """One doorstep report. Same UUID and content again: 200 with the stored report;
    same UUID, other content: 409; someone else's stop: 404 (problem bodies, RFC 9457)."""
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        message = _("Send the report as JSON.")
        return Work(failed=True, errors=[message], field_errors=[(None, message)]).problem(400)
    work, stored, status = _record(payload)
    if work.failed:
        return work.problem(status)
    row, created = stored
    return jsonify(
        uuid=row.uuid,
        stop_id=row.stop_id,
        outcome=row.outcome,
        recorded_at=row.recorded_at.isoformat(),
        id=row.id,
    ), (201 if created else 200)


@bp.route("/my/stops/<int:stop_id>/outcome", methods=["POST"])
@roles_required(*PHONE_ROUTES)
def phone_outcome(stop_id):
    """The same report from a plain form post (phones without JavaScript or IndexedDB)."""
    payload = {k: request.form.get(k) for k in ("uuid", "outcome", "note")}
    payload["stop_id"] = stop_id
    photo = request.files.get("photo")
    if photo and photo.filename:
        mime = "image/png" if photo.mimetype == "image/png" else "image/jpeg"
        payload["photo"] = f"data:{mime};base64," + base64.b64encode(photo.read()).decode()
    stop = queries.stop_for_serviceman(stop_id, current_user)
    if stop is None:
        abort(404)
    work, stored, status = _record(payload)
    if status == 404:
        abort(404)
    route = _my_route(stop.route_id)
    n = route.stops.index(stop) + 1
    if work.failed:
        # The GOV.UK pattern: the same screen again with a summary linking to the field.
        errors = [(field or "outcome", message) for field, message in work.field_errors]
        return _stop_screen(route, n, errors=errors, chosen=payload.get("outcome"),
                            note=payload.get("note") or "", status=status)
    flash(_("Report saved for stop %(n)s.", n=n), "success")
    after = rules.next_unreported([s.outcome for s in route.stops], start=n)
    if after is None:
        return redirect(url_for("delivery.phone_stops", route_id=route.id))
    return redirect(url_for("delivery.phone_route", route_id=route.id, n=after))
