"""Statistics for staff (dashboard, map, trends, XLSX) and open data for everyone."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from welfare.reports import views, views_open  # noqa: E402,F401
from welfare.reports.cli import reports_cli  # noqa: E402

cli_commands = [reports_cli]
