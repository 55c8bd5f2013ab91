"""Delivery events: list, plan, recipients, stops, optimise, follow-up."""

import json

import sqlalchemy as sa
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from welfare.auth import scope
from welfare.auth.permissions import roles_required
from welfare.delivery import bp, labels, mapping, planning, queries, services
from welfare.delivery.forms import (
    EventForm,
    OptimiseForm,
    RecipientFilterForm,
    RecipientListForm,
    StopForm,
)
from welfare.delivery.models import DeliveryEvent, DeliveryStop
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.jobs import enqueue
from welfare.jobs.models import Job
from welfare.params import int_arg

READERS = ("admin", "staff", "supervisor")
WRITERS = ("admin", "staff")
# Events with more stops than this are optimised in the background with a progress page
# (the search takes 1.5 s plus 1 s per 70 stops).
BACKGROUND_OPTIMISE = 100


def _hours(seconds):
    seconds = int(seconds or 0)
    return _("%(h)s h %(m)s min", h=seconds // 3600, m=seconds % 3600 // 60)


def _outcome_labels_json():
    return Markup(
        json.dumps({k: str(v) for k, v in labels.OUTCOME_LABELS.items()}, ensure_ascii=False)
    )


@bp.app_context_processor
def delivery_helpers():
    return {
        "delivery_labels": labels,
        "route_colour": mapping.colour,
        "hours": _hours,
        "outcome_labels_json": _outcome_labels_json,
    }


@bp.route("/")
@roles_required(*READERS)
def index():
    events = queries.events()
    counts = queries.event_counts([e.id for e in events])
    return render_template(
        "delivery/index.html", events=events, counts=counts, vehicles=queries.vehicles()
    )


def _event_form(event=None):
    form = EventForm(obj=event)
    if event is not None and request.method == "GET":
        while len(form.items.entries):
            form.items.pop_entry()
        for item in event.items:
            form.items.append_entry(item)
        while len(form.items.entries) < len(event.items) + 2:
            form.items.append_entry()
    return form


@bp.route("/events/new", methods=["GET", "POST"])
@roles_required(*WRITERS)
def event_new():
    form = _event_form()
    if request.method == "GET":
        form.items[0].form.name.data, form.items[0].form.unit.data = "白米", "包"
        form.items[1].form.name.data, form.items[1].form.unit.data = "食用油", "瓶"
    errors = []
    if form.validate_on_submit():
        try:
            event = services.create_event(form.as_data(), form.item_rows(), actor=current_user)
        except ServiceError as exc:
            errors = exc.apply_to(form)
        else:
            db.session.commit()
            flash(_("Event created. Now choose who receives goods."), "success")
            return redirect(url_for("delivery.event", event_id=event.id))
    return render_template("delivery/event_form.html", form=form, errors=errors, event=None)


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@roles_required(*WRITERS)
def event_edit(event_id):
    event = db.get_or_404(DeliveryEvent, event_id)
    form = _event_form(event)
    errors = []
    if form.validate_on_submit():
        try:
            services.update_event(event, form.as_data(), form.item_rows(), actor=current_user)
        except ServiceError as exc:
            errors = exc.apply_to(form)
        else:
            db.session.commit()
            flash(_("Event saved."), "success")
            return redirect(url_for("delivery.event", event_id=event.id))
    return render_template("delivery/event_form.html", form=form, errors=errors, event=event)


def _filter_form():
    form = RecipientFilterForm(prefix="f")
    form.village_ids.choices = [(v.id, v.name_zh) for v in queries.villages()]
    return form


def _optimise_form(event):
    form = OptimiseForm(prefix="o")
    form.vehicles.choices = [
        (v.id, f"{v.name}（{labels.VEHICLE_LABELS[v.vehicle_type]}，{v.capacity}）")
        for v in queries.vehicles(active_only=True)
    ]
    if request.method == "GET":
        form.vehicles.data = [r.vehicle_id for r in event.routes] or [
            c[0] for c in form.vehicles.choices
        ]
    return form


def _render_event(event, filter_form=None, list_form=None, optimise_form=None, errors=()):
    unserved = queries.unserved(event) if event.routes else []
    overview = mapping.overview_map(event, unserved) if event.routes else None
    return render_template(
        "delivery/event.html",
        event=event,
        stops=queries.stops_for_event(event),
        unserved=unserved,
        overview=overview,
        summary=queries.outcome_summary(event),
        filter_form=filter_form or _filter_form(),
        list_form=list_form or RecipientListForm(prefix="l"),
        optimise_form=optimise_form or _optimise_form(event),
        errors=list(errors),
    )


@bp.route("/events/<int:event_id>")
@roles_required(*READERS)
def event(event_id):
    return _render_event(db.get_or_404(DeliveryEvent, event_id))


@bp.route("/events/<int:event_id>/recipients", methods=["POST"])
@roles_required(*WRITERS)
def add_recipients(event_id):
    event = db.get_or_404(DeliveryEvent, event_id)
    if request.form.get("mode") == "list":
        form = RecipientListForm(prefix="l")
        if not form.validate_on_submit():
            return _render_event(event, list_form=form), 400
        numbers = [n.strip().upper() for n in form.id_numbers.data.split() if n.strip()]
        found, missing = queries.candidates_by_id_numbers(numbers, event.event_date)
        if missing:
            form.id_numbers.errors = [
                _(
                    "Not a current low-income household or isolated elder: %(n)s",
                    n="、".join(missing),
                )
            ]
            return _render_event(event, list_form=form), 400
    else:
        form = _filter_form()
        if not form.validate_on_submit():
            return _render_event(event, filter_form=form), 400
        found = queries.candidates(form.kinds.data, form.village_ids.data, event.event_date)
    added = services.add_recipients(event, found, actor=current_user)
    db.session.commit()
    flash(_("%(n)s recipients added.", n=added), "success")
    return redirect(url_for("delivery.event", event_id=event.id))


@bp.route("/events/<int:event_id>/optimise", methods=["POST"])
@roles_required(*WRITERS)
def optimise(event_id):
    event = db.get_or_404(DeliveryEvent, event_id)
    form = _optimise_form(event)
    if not form.validate_on_submit():
        return _render_event(event, optimise_form=form), 400
    chosen = [v for v in queries.vehicles(active_only=True) if v.id in form.vehicles.data]
    if len(event.stops) > BACKGROUND_OPTIMISE and chosen:
        back = url_for("delivery.event", event_id=event.id) + "#routes"
        running = db.session.scalar(
            sa.select(Job).where(Job.kind == "optimise_routes", Job.return_url == back,
                                 Job.status.in_(("queued", "running")))
        )
        if running is not None:  # one search per event at a time
            return redirect(url_for("jobs.job", job_id=running.id))
        job = enqueue("optimise_routes", "welfare.delivery.planning.optimise_job", event.id,
                      [v.id for v in chosen], current_user.id, actor=current_user,
                      total=int(planning.solver_seconds(len(event.stops), current_app.config)) + 1,
                      return_url=back)
        db.session.commit()
        return redirect(url_for("jobs.job", job_id=job.id))
    try:
        result = planning.optimise_event(event, chosen, actor=current_user)
    except ServiceError as exc:
        return _render_event(event, optimise_form=form, errors=exc.apply_to(form)), 400
    db.session.commit()
    flash(
        _("Routes planned: %(n)s stops could not be served.", n=len(result.unserved))
        if result.unserved
        else _("Routes planned: every stop is on a route."),
        "success",
    )
    return redirect(url_for("delivery.event", event_id=event.id) + "#routes")


@bp.route("/events/<int:event_id>/locate", methods=["POST"])
@roles_required(*WRITERS)
def locate(event_id):
    event = db.get_or_404(DeliveryEvent, event_id)
    left = planning.locate_stops(list(event.stops), budget_seconds=20)
    db.session.commit()
    flash(
        _("Addresses looked up; %(n)s stops are still at their village centre.", n=left), "success"
    )
    return redirect(url_for("delivery.event", event_id=event.id))


@bp.route("/events/<int:event_id>/follow-up", methods=["POST"])
@roles_required(*WRITERS)
def follow_up(event_id):
    event = db.get_or_404(DeliveryEvent, event_id)
    try:
        follow = services.create_follow_up(event, actor=current_user)
    except ServiceError as exc:
        flash(exc.errors[0][1], "error")
        return redirect(url_for("delivery.event", event_id=event.id))
    db.session.commit()
    flash(
        _(
            "Follow-up event created with %(n)s stops. Choose servicemen and plan it.",
            n=len(follow.stops),
        ),
        "success",
    )
    return redirect(url_for("delivery.event", event_id=follow.id))


@bp.route("/stops/<int:stop_id>", methods=["GET", "POST"])
@roles_required(*READERS)
def stop(stop_id):
    stop = scope.get_or_404(DeliveryStop, stop_id)
    form = StopForm(obj=stop)
    errors = []
    if request.method == "POST":
        if not current_user.has_role(*WRITERS):
            abort(403)
        goods = {
            item.name: int_arg(f"goods-{item.id}", 0, maximum=9999, values=request.form)
            for item in stop.event.items
        }
        if form.validate_on_submit():
            try:
                services.update_stop(
                    stop,
                    {
                        "goods": goods,
                        **{
                            k: getattr(form, k).data
                            for k in (
                                "phone",
                                "window_start",
                                "window_end",
                                "service_minutes",
                                "notes",
                            )
                        },
                    },
                    actor=current_user,
                )
            except ServiceError as exc:
                errors = exc.apply_to(form)
            else:
                db.session.commit()
                flash(_("Stop saved. Plan the routes again to use the new load."), "success")
                return redirect(url_for("delivery.event", event_id=stop.event_id))
    return render_template("delivery/stop.html", stop=stop, form=form, errors=errors)


@bp.route("/stops/<int:stop_id>/remove", methods=["POST"])
@roles_required(*WRITERS)
def stop_remove(stop_id):
    stop = scope.get_or_404(DeliveryStop, stop_id)
    event_id = stop.event_id
    try:
        services.remove_stop(stop, actor=current_user)
    except ServiceError as exc:
        flash(exc.errors[0][1], "error")
        return redirect(url_for("delivery.stop", stop_id=stop_id))
    db.session.commit()
    flash(_("Recipient taken off the event."), "success")
    return redirect(url_for("delivery.event", event_id=event_id))
