"""The serviceman's phone: his routes, one route's stops, doorstep outcomes (idempotent)."""

import base64
import uuid

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from welfare.auth.permissions import roles_required
from welfare.delivery import bp, queries, services
from welfare.delivery.labels import OUTCOME_LABELS
from welfare.errors import ServiceError
from welfare.extensions import db

PHONE_ROLES = ("serviceman", "admin", "staff", "supervisor")


@bp.app_context_processor
def phone_helpers():
    return {"new_uuid": lambda: str(uuid.uuid4())}


@bp.route("/my")
@roles_required("serviceman")
def my_routes():
    return render_template("delivery/my_routes.html", routes=queries.routes_for_user(current_user))


@bp.route("/my/routes/<int:route_id>")
@roles_required(*PHONE_ROLES)
def phone_route(route_id):
    route = queries.route_for_user(route_id, current_user)
    if route is None:
        abort(404)
    return render_template(
        "delivery/phone_route.html", route=route, event=route.event, outcomes=OUTCOME_LABELS
    )


@bp.route("/api/outcomes", methods=["POST"])
@login_required
def api_outcome():
    """One doorstep report. Same UUID and content again: 200 with the stored report;
    same UUID, other content: 409; someone else's stop: 404."""
    if not current_user.has_role(*PHONE_ROLES):
        abort(403)
    payload = request.get_json(silent=True)
    if not isinstance(payload, dict):
        return jsonify(error=_("Send the report as JSON.")), 400
    try:
        row, created = services.record_outcome(payload, actor=current_user)
    except services.OutcomeConflict:
        db.session.rollback()
        return jsonify(error=_("This report identifier was already used for another report.")), 409
    except LookupError:
        db.session.rollback()
        return jsonify(error=_("No such stop on your routes.")), 404
    except ServiceError as exc:
        db.session.rollback()
        return jsonify(error=exc.errors[0][1], field=exc.errors[0][0]), 400
    db.session.commit()
    return jsonify(
        uuid=row.uuid,
        stop_id=row.stop_id,
        outcome=row.outcome,
        recorded_at=row.recorded_at.isoformat(),
        id=row.id,
    ), (201 if created else 200)


@bp.route("/my/stops/<int:stop_id>/outcome", methods=["POST"])
@roles_required(*PHONE_ROLES)
def phone_outcome(stop_id):
    """The same report from a plain form post (phones without JavaScript or IndexedDB)."""
    payload = {k: request.form.get(k) for k in ("uuid", "outcome", "note")}
    payload["stop_id"] = stop_id
    photo = request.files.get("photo")
    if photo and photo.filename:
        mime = "image/png" if photo.mimetype == "image/png" else "image/jpeg"
        payload["photo"] = f"data:{mime};base64," + base64.b64encode(photo.read()).decode()
    try:
        row, _created = services.record_outcome(payload, actor=current_user)
    except LookupError:
        abort(404)
    except (ServiceError, services.OutcomeConflict) as exc:
        db.session.rollback()
        flash(
            exc.errors[0][1] if isinstance(exc, ServiceError) else _("Report already saved."),
            "error",
        )
        return redirect(url_for("delivery.phone_route", route_id=_route_of(stop_id)))
    db.session.commit()
    flash(_("Report saved."), "success")
    return redirect(
        url_for("delivery.phone_route", route_id=row.stop.route_id) + f"#stop-{stop_id}"
    )


def _route_of(stop_id):
    stop = queries.stop_for_serviceman(stop_id, current_user)
    if stop is None:
        abort(404)
    return stop.route_id
