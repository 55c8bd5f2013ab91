"""When to try a message again, and what becomes of it: pure functions."""

from datetime import timedelta

CHANNELS = ("email", "sms")
STATUSES = ("queued", "sent", "failed", "unconfigured")
MAX_ATTEMPTS = 3
FIRST_RETRY_SECONDS = 60


def backoff(attempts, first=FIRST_RETRY_SECONDS):
    """The wait before the next try after `attempts` failed ones: 1, 2, 4 ... minutes."""
    return timedelta(seconds=first * 2 ** max(attempts - 1, 0))


def after_failure(attempts, now, max_attempts=MAX_ATTEMPTS, first=FIRST_RETRY_SECONDS):
    """(status, next attempt time) once a try failed; `attempts` counts this one."""
    if attempts >= max_attempts:
        return "failed", None
    return "queued", now + backoff(attempts, first)
