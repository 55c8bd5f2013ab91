"""Delivery events: list, plan, recipients, stops, optimise, follow-up."""

import json

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from welfare import uow
from welfare.auth.permissions import CLERKS, OFFICE, roles_required
from welfare.delivery import background, bp, labels, mapping, planning, queries, services
from welfare.delivery.forms import EventForm, OptimiseForm, RecipientFilterForm, RecipientListForm
from welfare.delivery.models import DeliveryEvent
from welfare.extensions import db
from welfare.uow import unit_of_work
from welfare.web import village_name

# Events with more stops than this are optimised in the background with a progress page
# (the search takes 1.5 s plus 1 s per 70 stops).
BACKGROUND_OPTIMISE = 100


def save_form(form, save, message, target):
    """welfare.uow.save_form with a fixed notice and the url made from what was saved."""
    return uow.save_form(form, save, lambda saved: (message, target(saved)))


def _report(work, message):
    """After a POST action: flash message() on success, else the errors; returns work.ok."""
    if work.ok:
        flash(message(), "success")
    else:
        work.flash_errors()
    return work.ok


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
        "route_dash": mapping.dash,
        "goods_with_units": labels.goods_with_units,
        "hours": _hours,
        "outcome_labels_json": _outcome_labels_json,
        "delivery_clerk": lambda: current_user.has_role(*CLERKS),
    }


@bp.route("/")
@roles_required(*OFFICE)
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
@roles_required(*CLERKS)
def event_new():
    return _event_page(None)


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@roles_required(*CLERKS)
def event_edit(event_id):
    return _event_page(db.get_or_404(DeliveryEvent, event_id))


def _event_page(event):
    """The event form: a new event (event=None) or this one's details and goods."""
    form = _event_form(event)
    if event is None and request.method == "GET":
        form.items[0].form.name.data, form.items[0].form.unit.data = "白米", "包"
        form.items[1].form.name.data, form.items[1].form.unit.data = "食用油", "瓶"

    def save():
        if event is None:
            return services.create_event(form.as_data(), form.item_rows(), actor=current_user)
        return services.update_event(event, form.as_data(), form.item_rows(), actor=current_user)

    done, errors = save_form(
        form, save,
        _("Event created. Now choose who receives goods.") if event is None else _("Event saved."),
        lambda saved: url_for("delivery.event", event_id=saved.id))
    if done:
        return done
    return render_template("delivery/event_form.html", form=form, errors=errors, event=event)


def _filter_form():
    form = RecipientFilterForm(prefix="f")
    form.village_ids.choices = [(v.id, village_name(v)) for v in queries.villages()]
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
@roles_required(*OFFICE)
def event(event_id):
    return _render_event(db.get_or_404(DeliveryEvent, event_id))


@bp.route("/events/<int:event_id>/recipients", methods=["POST"])
@roles_required(*CLERKS)
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
    with unit_of_work() as work:
        added = services.add_recipients(event, found, actor=current_user)
    _report(work, lambda: _("%(n)s recipients added.", n=added))
    return redirect(url_for("delivery.event", event_id=event.id))


@bp.route("/events/<int:event_id>/optimise", methods=["POST"])
@roles_required(*CLERKS)
def optimise(event_id):
    event = db.get_or_404(DeliveryEvent, event_id)
    form = _optimise_form(event)
    if not form.validate_on_submit():
        return _render_event(event, optimise_form=form), 400
    chosen = [v for v in queries.vehicles(active_only=True) if v.id in form.vehicles.data]
    back = url_for("delivery.event", event_id=event.id) + "#routes"
    if len(event.stops) > BACKGROUND_OPTIMISE and chosen:
        with unit_of_work() as work:
            job = background.start_optimise(event, chosen, current_user, back)
        if work.ok:
            return redirect(url_for("jobs.job", job_id=job.id))
    else:
        with unit_of_work(form) as work:
            result = planning.optimise_event(event, chosen, actor=current_user)
        if work.ok:
            flash(background.planned_message(result), "success")
            return redirect(back)
    return _render_event(event, optimise_form=form, errors=work.errors), 400


@bp.route("/events/<int:event_id>/locate", methods=["POST"])
@roles_required(*CLERKS)
def locate(event_id):
    event = db.get_or_404(DeliveryEvent, event_id)
    with unit_of_work() as work:
        left = planning.locate_stops(list(event.stops), budget_seconds=20)
    _report(work, lambda: _("Addresses looked up; %(n)s stops are still at their village "
                            "centre.", n=left))
    return redirect(url_for("delivery.event", event_id=event.id))


@bp.route("/events/<int:event_id>/follow-up", methods=["POST"])
@roles_required(*CLERKS)
def follow_up(event_id):
    event = db.get_or_404(DeliveryEvent, event_id)
    with unit_of_work() as work:
        follow = services.create_follow_up(event, actor=current_user)
    if not _report(work, lambda: _("Follow-up event created with %(n)s stops. Choose "
                                   "servicemen and plan it.", n=len(follow.stops))):
        return redirect(url_for("delivery.event", event_id=event.id))
    return redirect(url_for("delivery.event", event_id=follow.id))
