from flask import Blueprint

bp = Blueprint("roster", __name__)

from welfare.roster import views, views_elders, views_households  # noqa: E402,F401
from welfare.roster import views_export, views_import  # noqa: E402,F401
from welfare.roster.cli import roster_cli  # noqa: E402

cli_commands = [roster_cli]
