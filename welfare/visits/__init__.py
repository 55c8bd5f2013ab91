"""Volunteer home visits: schedules by care level, visit records, alerts, sweeps, the phone app."""

from flask import Blueprint

from welfare.extensions import csrf

bp = Blueprint("visits", __name__, url_prefix="/visits")
# Token-authenticated JSON for the phone app; no cookies, so no CSRF token.
api_bp = Blueprint("visits_api", __name__, url_prefix="/api/v1")

from welfare.visits import (  # noqa: E402,F401
    api,
    history,
    views,
    views_admin,
    views_alerts,
    views_app,
)
from welfare.visits.cli import visits_cli  # noqa: E402

blueprints = [bp, api_bp]
cli_commands = [visits_cli]


def init_app(app):
    from welfare.jobs import schedule

    csrf.exempt(api_bp)
    app.config.setdefault("VISITS_TOKEN_DAYS", 14)
    # The alert chain moves at its deadlines, not only when someone opens a page.
    schedule.every(app, "visits-escalate", "welfare.visits.alerts.run_escalation",
                   app.config.get("VISITS_ESCALATE_SECONDS", 300))
    # Volunteers are told the day a visit falls due and when it is overdue (once each).
    schedule.every(app, "visits-remind", "welfare.visits.notices.run_reminders", 3600)
