"""Notifications: one outbox of e-mails (SMTP) and SMS (an HTTP gateway), delivered by the
job queue (RQ with Redis, in-process without), retried with back-off, resent by staff."""

import os

from flask import Blueprint

bp = Blueprint("notify", __name__, url_prefix="/notify")

SETTINGS = {
    "MAIL_SERVER": ("", str), "MAIL_PORT": ("25", int), "MAIL_FROM": ("welfare@localhost", str),
    "MAIL_USERNAME": ("", str), "MAIL_PASSWORD": ("", str), "MAIL_USE_TLS": ("", bool),
    "SMS_GATEWAY_URL": ("", str), "SMS_GATEWAY_KEY": ("", str),
    "NOTIFY_MAX_ATTEMPTS": ("3", int), "NOTIFY_RETRY_SECONDS": ("60", int),
}


def init_app(app):
    """Channel settings from the environment unless the config class set them; the retry
    task runs every minute once a scheduler runs."""
    from welfare.jobs import schedule

    for name, (default, cast) in SETTINGS.items():
        app.config.setdefault(name, cast(os.environ.get(name, default)))
    schedule.every(app, "notify-retry", "welfare.notify.services.deliver_due", 60)


from welfare.notify import views  # noqa: E402,F401
from welfare.notify.cli import notify_cli  # noqa: E402

cli_commands = [notify_cli]
