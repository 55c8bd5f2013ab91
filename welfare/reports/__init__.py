"""Statistics for staff (dashboard, map, trends, XLSX) and open data for everyone."""

from flask import Blueprint

bp = Blueprint("reports", __name__)

from welfare.reports import views, views_open  # noqa: E402,F401
