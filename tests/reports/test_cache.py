"""The counts cache falls back to memory only when Redis cannot be reached; a bug in the
figure being counted is raised as it is, once, and never logged as Redis trouble."""

import logging
import uuid

import pytest

from welfare.reports import cache

REDIS = "redis://127.0.0.1:6379/13"
NOWHERE = "redis://127.0.0.1:1/0"  # nothing listens on port 1


@pytest.fixture
def kept(app):
    app.config["REPORTS_CACHE_SECONDS"] = 60
    with app.app_context():
        yield app
        app.config.update(REDIS_URL="")
        cache.clear()
    app.config["REPORTS_CACHE_SECONDS"] = 0


def redis_or_skip():
    import redis

    try:
        redis.from_url(REDIS).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")


class Counting:
    """A figure query that counts its calls and fails when told to."""

    def __init__(self, error=None):
        self.calls, self.error = 0, error

    def __call__(self):
        self.calls += 1
        if self.error:
            raise self.error
        return {(1, "low"): 3}


@pytest.mark.parametrize("redis_url", [REDIS, NOWHERE, ""])
def test_a_bug_in_the_figure_is_raised_once_and_not_blamed_on_redis(kept, caplog, redis_url):
    if redis_url == REDIS:
        redis_or_skip()
    kept.config["REDIS_URL"] = redis_url
    broken = Counting(ZeroDivisionError("a bug in the figure"))
    with caplog.at_level(logging.WARNING, logger=cache.log.name), \
            pytest.raises(ZeroDivisionError, match="a bug in the figure"):
        cache.get(("bug", uuid.uuid4().hex), broken)
    assert broken.calls == 1
    if redis_url != NOWHERE:
        assert "Redis unavailable" not in caplog.text


def test_an_unreachable_redis_falls_back_to_this_process(kept, caplog):
    kept.config["REDIS_URL"] = NOWHERE
    key, counting = ("down", uuid.uuid4().hex), Counting()
    with caplog.at_level(logging.WARNING, logger=cache.log.name):
        first, _at = cache.get(key, counting)
        second, _at = cache.get(key, counting)
    assert first == second == {(1, "low"): 3}
    assert counting.calls == 1  # kept in memory
    assert "Redis unavailable" in caplog.text


def test_a_reachable_redis_keeps_the_count(kept):
    redis_or_skip()
    kept.config["REDIS_URL"] = REDIS
    key, counting = ("up", uuid.uuid4().hex), Counting()
    assert cache.get(key, counting)[0] == cache.get(key, counting)[0] == {(1, "low"): 3}
    assert counting.calls == 1
