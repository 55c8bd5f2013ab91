"""Background jobs: long work (freezing a round, printing sheets) with progress and a result."""

from flask import Blueprint

bp = Blueprint("jobs", __name__)

from welfare.jobs import views  # noqa: E402,F401
from welfare.jobs.services import enqueue, progress  # noqa: E402,F401
