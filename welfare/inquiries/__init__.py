"""Citizen inquiries and petitions (民眾詢問與陳情): channels, topics with deadlines in working
days, owners, responses, and their statistics."""

from flask import Blueprint

bp = Blueprint("inquiries", __name__, url_prefix="/inquiries")


def init_app(app):
    from welfare.jobs import schedule

    schedule.every(app, "inquiries-remind", "welfare.inquiries.reminders.run_reminders", 3600)

from welfare.inquiries import history, merges, views  # noqa: E402,F401
