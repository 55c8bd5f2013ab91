"""The public status lookup (/lookup): a citizen gives an ID number and birth date and sees,
for themselves only, the open rounds they are on and the inquiries about them."""

from flask import Blueprint

bp = Blueprint("lookup", __name__)

SETTINGS = {"LOOKUP_MAX_FAILURES": 5, "LOOKUP_WINDOW_MINUTES": 15}


def init_app(app):
    for name, default in SETTINGS.items():
        app.config.setdefault(name, default)


from welfare.lookup import views  # noqa: E402,F401
