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
