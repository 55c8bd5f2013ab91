"""Emergency aid (急難救助): applications, staff assessment, a supervisor's four-eyes decision,
the one payment, the decision letter, and statistics."""

from flask import Blueprint

bp = Blueprint("aid", __name__, url_prefix="/aid")

from welfare.aid import history, merges, views, views_causes, views_payments  # noqa: E402,F401
from welfare.aid.cli import cli_commands  # noqa: E402,F401
