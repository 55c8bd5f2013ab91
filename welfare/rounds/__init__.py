"""Elder-gift rounds (敬老禮金): rules, frozen rosters, payouts, sheets, reconciliation."""

from flask import Blueprint

bp = Blueprint("rounds", __name__, url_prefix="/rounds")

from welfare.rounds import views, views_counter, views_reconcile  # noqa: E402,F401
from welfare.rounds.cli import rounds_cli  # noqa: E402

cli_commands = [rounds_cli]
