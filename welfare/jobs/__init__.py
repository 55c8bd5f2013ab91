"""Background jobs: long work (freezing a round, printing sheets) with progress and a result."""

from flask import Blueprint

bp = Blueprint("jobs", __name__)

from welfare.jobs import views  # noqa: E402,F401
from welfare.jobs.services import enqueue, progress  # noqa: E402,F401


def init_app(app):
    """Look for interrupted jobs on the scheduler's clock (JOBS_RECOVER_SECONDS, 0: never)."""
    from welfare.jobs import schedule

    if app.config.get("JOBS_RECOVER_SECONDS"):
        schedule.every(app, "jobs-recover", "welfare.jobs.recovery.recover_task",
                       app.config["JOBS_RECOVER_SECONDS"])
