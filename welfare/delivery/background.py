"""Optimising a large event in the background: one search per event at a time."""

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from welfare.auth.models import User
from welfare.delivery import planning, queries
from welfare.delivery.models import DeliveryEvent, Vehicle
from welfare.extensions import db
from welfare.jobs import enqueue, progress

KIND = "optimise_routes"


def planned_message(result):
    """What the office is told once the routes are planned."""
    if result.unserved:
        return _("Routes planned: %(n)s stops could not be served.", n=len(result.unserved))
    return _("Routes planned: every stop is on a route.")


def start_optimise(event, vehicles, actor, return_url):
    """The job optimising this event: the one already queued or running, else a new one."""
    running = queries.active_job(KIND, return_url)
    if running is not None:
        return running
    seconds = planning.solver_seconds(len(event.stops), current_app.config)
    return enqueue(KIND, f"{__name__}.optimise_job", event.id, [v.id for v in vehicles],
                   actor.id, actor=actor, total=int(seconds) + 1, return_url=return_url)


def optimise_job(job_id, event_id, vehicle_ids, actor_id):
    """Background job: optimise an event's routes, moving the progress bar by search time.

    SQLite allows one writer at a time and the job's own transaction already holds it, so
    there the bar only jumps from start to finish; on PostgreSQL it moves every second."""
    event = db.session.get(DeliveryEvent, event_id)
    actor = db.session.get(User, actor_id)
    vehicles = db.session.scalars(sa.select(Vehicle).where(Vehicle.id.in_(vehicle_ids))).all()
    seconds = planning.solver_seconds(len(event.stops), current_app.config)
    total = int(seconds) + 1
    progress(job_id, 0, total, _("Optimising %(n)s stops.", n=len(event.stops)))
    on_progress = None
    if db.engine.dialect.name != "sqlite":
        on_progress = lambda elapsed, _seconds: progress(job_id, min(int(elapsed), total - 1))  # noqa: E731
    result = planning.optimise_event(event, vehicles, actor=actor, seconds=seconds,
                                     on_progress=on_progress)
    return {"message": planned_message(result)}
