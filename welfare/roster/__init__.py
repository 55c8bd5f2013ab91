from flask import Blueprint

bp = Blueprint("roster", __name__)

from welfare.roster import (  # noqa: E402,F401
    views,
    views_elders,
    views_export,
    views_households,
    views_import,
    views_institutions,
    views_merges,
    views_quality,
)
from welfare.roster.cli import roster_cli  # noqa: E402

cli_commands = [roster_cli]


def init_app(app):
    """Recount the stored data-quality counts on the scheduler's clock
    (QUALITY_RECOUNT_SECONDS; 0: never, as in tests)."""
    from welfare.jobs import schedule

    if app.config.get("QUALITY_RECOUNT_SECONDS"):
        schedule.every(app, "roster-quality", "welfare.roster.quality_store.recount_task",
                       app.config["QUALITY_RECOUNT_SECONDS"])
