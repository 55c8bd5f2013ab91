from flask import Blueprint

bp = Blueprint("roster", __name__)

from welfare.roster import views, views_elders, views_households  # noqa: E402,F401
