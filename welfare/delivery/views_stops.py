"""One stop for the office: its goods and window, taking it off, moving it, its position."""

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from welfare.auth import scope
from welfare.auth.permissions import CLERKS, OFFICE, roles_required
from welfare.delivery import bp, planning, services
from welfare.delivery.forms import stop_form
from welfare.delivery.models import DeliveryStop
from welfare.delivery.views import save_form
from welfare.params import int_arg
from welfare.uow import Work, unit_of_work


@bp.route("/stops/<int:stop_id>", methods=["GET", "POST"])
@roles_required(*OFFICE)
def stop(stop_id):
    stop = scope.get_or_404(DeliveryStop, stop_id)
    if request.method == "POST" and not current_user.has_role(*CLERKS):
        abort(403)
    form = stop_form(stop)
    done, errors = save_form(
        form, lambda: services.update_stop(stop, form.as_data(), actor=current_user),
        _("Stop saved. Plan the routes again to use the new load."),
        lambda saved: url_for("delivery.event", event_id=saved.event_id))
    if done:
        return done
    return render_template("delivery/stop.html", stop=stop, form=form, errors=errors)


@bp.route("/stops/<int:stop_id>/remove", methods=["POST"])
@roles_required(*CLERKS)
def stop_remove(stop_id):
    stop = scope.get_or_404(DeliveryStop, stop_id)
    event_id = stop.event_id
    with unit_of_work() as work:
        services.remove_stop(stop, actor=current_user)
    if work.failed:
        work.flash_errors()
        return redirect(url_for("delivery.stop", stop_id=stop_id))
    flash(_("Recipient taken off the event."), "success")
    return redirect(url_for("delivery.event", event_id=event_id))


@bp.route("/stops/<int:stop_id>/move", methods=["POST"])
@roles_required(*CLERKS)
def move_stop(stop_id):
    stop = scope.get_or_404(DeliveryStop, stop_id)
    target_id = int_arg("route_id", values=request.form)
    target = next((r for r in stop.event.routes if r.id == target_id), None) if target_id else None
    with unit_of_work() as work:
        planning.move_stop(stop, target, actor=current_user)
    if work.ok:
        flash(_("Stop moved; both routes were put in a new order."), "success")
    else:
        work.flash_errors()
    return redirect(_local(request.form.get("next"))
                    or url_for("delivery.event", event_id=stop.event_id))


def _local(path):
    """A path on this site to go back to; anything else (another host) is dropped."""
    return path if path and path.startswith("/") and not path.startswith(("//", "/\\")) else None


@bp.route("/stops/<int:stop_id>/position", methods=["POST"])
@roles_required(*CLERKS)
def stop_position(stop_id):
    stop = scope.get_or_404(DeliveryStop, stop_id)
    payload = request.get_json(silent=True) or {}
    try:
        lat, lng = float(payload.get("lat")), float(payload.get("lng"))
    except (TypeError, ValueError):
        message = _("Send lat and lng as numbers.")
        return Work(failed=True, errors=[message], field_errors=[("lat", message)]).problem(400)
    with unit_of_work() as work:
        services.correct_position(stop, lat, lng, actor=current_user)
    if work.failed:
        return work.problem(400)
    return jsonify(ok=True, lat=stop.lat, lng=stop.lng)
