from datetime import datetime, timedelta

import pytest

from welfare.notify import rules

NOW = datetime(2026, 12, 4, 9, 0)


@pytest.mark.parametrize("attempts, wait", [(1, 60), (2, 120), (3, 240)])
def test_backoff_doubles(attempts, wait):
    assert rules.backoff(attempts) == timedelta(seconds=wait)


@pytest.mark.parametrize("attempts, status, next_at", [
    (1, "queued", NOW + timedelta(minutes=1)),
    (2, "queued", NOW + timedelta(minutes=2)),
    (3, "failed", None),
])
def test_after_failure(attempts, status, next_at):
    assert rules.after_failure(attempts, NOW) == (status, next_at)
