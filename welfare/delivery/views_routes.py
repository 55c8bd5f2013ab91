"""Routes for staff: a route's map and order, sheets, the live board, and the servicemen's
vehicles."""

from datetime import time
from pathlib import Path

from flask import (
    Response,
    abort,
    current_app,
    jsonify,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from welfare import exports
from welfare.auth import scope
from welfare.auth.permissions import CLERKS, OFFICE, roles_required
from welfare.delivery import bp, mapping, planning, queries, services
from welfare.delivery.forms import VehicleForm
from welfare.delivery.models import DeliveryEvent, DeliveryOutcome, DeliveryRoute, Vehicle
from welfare.delivery.views import save_form
from welfare.extensions import db
from welfare.pdf import render_pdf
from welfare.uow import unit_of_work


@bp.route("/routes/<int:route_id>")
@roles_required(*OFFICE)
def route(route_id):
    route = scope.get_or_404(DeliveryRoute, route_id)
    header, body, script, targets = mapping.route_map(
        route, draggable=current_user.has_role(*CLERKS)
    )
    return render_template(
        "delivery/route.html",
        route=route,
        event=route.event,
        map_parts=(header, body, script),
        drag_targets=targets,
    )


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


def _sheets_pdf(template, what, sheets, filters, name):
    """Route sheets carry names, addresses and phones: logged like any personal download.
    The log row is this GET's one write (a GET is not a service call)."""
    pdf = render_pdf(template, sheets=sheets, **sheets[0])
    stops = [s for sheet in sheets for s in sheet["stops"]]
    with unit_of_work():
        exports.log_export(what, len(stops), "pdf", current_user, filters=filters,
                           villages={s.village_id for s in stops})
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})


@bp.route("/routes/<int:route_id>/sheet.pdf")
@roles_required(*OFFICE)
def route_sheet(route_id):
    route = scope.get_or_404(DeliveryRoute, route_id)
    return _sheets_pdf("print/route_sheet.html", "route_sheet", [sheet_context(route)],
                       {"event": route.event_id, "route": route.id},
                       f"route-{route.event_id}-{route.id}.pdf")


@bp.route("/events/<int:event_id>/sheets.pdf")
@roles_required(*OFFICE)
def event_sheets(event_id):
    event = db.get_or_404(DeliveryEvent, event_id)
    sheets = [sheet_context(r) for r in event.routes] or abort(404)
    return _sheets_pdf("print/route_sheets.html", "route_sheets", sheets, {"event": event.id},
                       f"routes-{event.id}.pdf")


@bp.route("/events/<int:event_id>/board")
@roles_required(*OFFICE)
def board(event_id):
    event = db.get_or_404(DeliveryEvent, event_id)
    return render_template(
        "delivery/board.html",
        event=event,
        summary=queries.outcome_summary(event),
        latest=queries.latest_outcomes(event),
    )


@bp.route("/outcomes/<int:outcome_id>/photo")
@roles_required(*OFFICE)
def outcome_photo(outcome_id):
    row = scope.get_or_404(DeliveryOutcome, outcome_id)
    if not row.photo:
        abort(404)
    folder = Path(current_app.instance_path) / "delivery_photos"
    return send_from_directory(folder, row.photo, max_age=0)


@bp.route("/events/<int:event_id>/board.json")
@roles_required(*OFFICE)
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
    form.user_id.choices = [(0, _("No account"))] + [
        (u.id, f"{u.display_name}（{u.username}）") for u in queries.serviceman_accounts()
    ]
    if request.method == "GET" and vehicle is None:
        form.shift_start.data, form.shift_end.data = time(9, 0), time(17, 0)
    return form


@bp.route("/vehicles")
@roles_required(*OFFICE)
def vehicles():
    return render_template("delivery/vehicles.html", vehicles=queries.vehicles())


@bp.route("/vehicles/new", methods=["GET", "POST"], defaults={"vehicle_id": None})
@bp.route("/vehicles/<int:vehicle_id>", methods=["GET", "POST"])
@roles_required(*CLERKS)
def vehicle_edit(vehicle_id):
    vehicle = db.get_or_404(Vehicle, vehicle_id) if vehicle_id else None
    form = _vehicle_form(vehicle)
    done, errors = save_form(
        form, lambda: services.save_vehicle(vehicle, form.as_data(), actor=current_user),
        _("Serviceman and vehicle saved."), lambda _saved: url_for("delivery.vehicles"))
    if done:
        return done
    return render_template("delivery/vehicle_form.html", form=form, vehicle=vehicle, errors=errors)
