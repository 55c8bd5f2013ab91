"""Routes for staff: a route's map and order, moving stops, positions, sheets, the live board,
and the servicemen's vehicles."""

from pathlib import Path

import sqlalchemy as sa
from flask import (
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from welfare import exports
from welfare.auth import scope
from welfare.auth.models import User
from welfare.auth.permissions import roles_required
from welfare.delivery import bp, mapping, planning, queries, services
from welfare.delivery.forms import VehicleForm
from welfare.delivery.models import (
    DeliveryEvent,
    DeliveryOutcome,
    DeliveryRoute,
    DeliveryStop,
    Vehicle,
)
from welfare.delivery.views import READERS, WRITERS
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.params import int_arg
from welfare.pdf import render_pdf


@bp.route("/routes/<int:route_id>")
@roles_required(*READERS)
def route(route_id):
    route = scope.get_or_404(DeliveryRoute, route_id)
    header, body, script, targets = mapping.route_map(
        route, draggable=current_user.has_role(*WRITERS)
    )
    return render_template(
        "delivery/route.html",
        route=route,
        event=route.event,
        map_parts=(header, body, script),
        drag_targets=targets,
    )


@bp.route("/stops/<int:stop_id>/move", methods=["POST"])
@roles_required(*WRITERS)
def move_stop(stop_id):
    stop = scope.get_or_404(DeliveryStop, stop_id)
    target_id = int_arg("route_id", values=request.form)
    target = next((r for r in stop.event.routes if r.id == target_id), None) if target_id else None
    planning.move_stop(stop, target, actor=current_user)
    db.session.commit()
    flash(_("Stop moved; both routes were put in a new order."), "success")
    return redirect(request.form.get("next") or url_for("delivery.event", event_id=stop.event_id))


@bp.route("/stops/<int:stop_id>/position", methods=["POST"])
@roles_required(*WRITERS)
def stop_position(stop_id):
    stop = scope.get_or_404(DeliveryStop, stop_id)
    payload = request.get_json(silent=True) or {}
    try:
        services.correct_position(
            stop, float(payload.get("lat")), float(payload.get("lng")), actor=current_user
        )
    except (TypeError, ValueError):
        return jsonify(error=_("Send lat and lng as numbers.")), 400
    except ServiceError as exc:
        return jsonify(error=exc.errors[0][1]), 400
    db.session.commit()
    return jsonify(ok=True, lat=stop.lat, lng=stop.lng)


def sheet_context(route):
    depot = planning.depot(current_app.config)
    stops = list(route.stops)
    totals = {}
    for s in stops:
        for name, qty in s.goods.items():
            totals[name] = totals.get(name, 0) + qty
    phone_url = url_for("delivery.phone_route", route_id=route.id, _external=True)
    return {
        "route": route,
        "event": route.event,
        "stops": stops,
        "totals": totals,
        "schematic": mapping.schematic_svg(
            [(s.lat, s.lng) for s in stops], depot, trips=[s.trip for s in stops]
        ),
        "qr": mapping.qr_svg(phone_url),
        "phone_url": phone_url,
    }


def _log_sheets(what, sheets, filters):
    """Route sheets carry names, addresses and phones: logged like any personal download."""
    stops = [s for sheet in sheets for s in sheet["stops"]]
    exports.log_export(what, len(stops), "pdf", current_user, filters=filters,
                       villages={s.village_id for s in stops})
    db.session.commit()


@bp.route("/routes/<int:route_id>/sheet.pdf")
@roles_required(*READERS)
def route_sheet(route_id):
    route = scope.get_or_404(DeliveryRoute, route_id)
    context = sheet_context(route)
    pdf = render_pdf("print/route_sheet.html", **context)
    _log_sheets("route_sheet", [context], {"event": route.event_id, "route": route.id})
    name = f"route-{route.event_id}-{route.id}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{name}"'},
    )


@bp.route("/events/<int:event_id>/sheets.pdf")
@roles_required(*READERS)
def event_sheets(event_id):
    event = db.get_or_404(DeliveryEvent, event_id)
    if not event.routes:
        abort(404)
    sheets = [sheet_context(r) for r in event.routes]
    pdf = render_pdf("print/route_sheets.html", sheets=sheets)
    _log_sheets("route_sheets", sheets, {"event": event.id})
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="routes-{event.id}.pdf"'},
    )


@bp.route("/events/<int:event_id>/board")
@roles_required(*READERS)
def board(event_id):
    event = db.get_or_404(DeliveryEvent, event_id)
    return render_template(
        "delivery/board.html",
        event=event,
        summary=queries.outcome_summary(event),
        latest=queries.latest_outcomes(event),
    )


@bp.route("/outcomes/<int:outcome_id>/photo")
@roles_required(*READERS)
def outcome_photo(outcome_id):
    row = scope.get_or_404(DeliveryOutcome, outcome_id)
    if not row.photo:
        abort(404)
    folder = Path(current_app.instance_path) / "delivery_photos"
    return send_from_directory(folder, row.photo, max_age=0)


@bp.route("/events/<int:event_id>/board.json")
@roles_required(*READERS)
def board_json(event_id):
    event = db.get_or_404(DeliveryEvent, event_id)
    return jsonify(
        stops=[
            {
                "id": s.id,
                "outcome": s.outcome,
                "outcome_at": s.outcome_at.isoformat() if s.outcome_at else None,
            }
            for s in event.stops
            if s.route_id
        ]
    )


def _vehicle_form(vehicle=None):
    form = VehicleForm(obj=vehicle)
    users = db.session.scalars(
        sa.select(User)
        .where(User.role == "serviceman", User.is_active_account)
        .order_by(User.display_name)
    ).all()
    form.user_id.choices = [(0, _("No account"))] + [
        (u.id, f"{u.display_name}（{u.username}）") for u in users
    ]
    return form


@bp.route("/vehicles")
@roles_required(*READERS)
def vehicles():
    return render_template("delivery/vehicles.html", vehicles=queries.vehicles())


@bp.route("/vehicles/new", methods=["GET", "POST"], defaults={"vehicle_id": None})
@bp.route("/vehicles/<int:vehicle_id>", methods=["GET", "POST"])
@roles_required(*WRITERS)
def vehicle_edit(vehicle_id):
    vehicle = db.get_or_404(Vehicle, vehicle_id) if vehicle_id else None
    form = _vehicle_form(vehicle)
    errors = []
    if request.method == "GET" and vehicle is None:
        from datetime import time

        form.shift_start.data, form.shift_end.data = time(9, 0), time(17, 0)
    if form.validate_on_submit():
        data = form.as_data()
        if not any(
            getattr(form, k).errors for k in ("start_lat", "start_lng", "end_lat", "end_lng")
        ):
            try:
                services.save_vehicle(vehicle, data, actor=current_user)
            except ServiceError as exc:
                errors = exc.apply_to(form)
            else:
                db.session.commit()
                flash(_("Serviceman and vehicle saved."), "success")
                return redirect(url_for("delivery.vehicles"))
    return render_template("delivery/vehicle_form.html", form=form, vehicle=vehicle, errors=errors)
