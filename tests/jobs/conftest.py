"""Fixtures of the job tests that run other processes (a web process, RQ workers)."""

import os

import pytest

from tests.live import live_app
from welfare.extensions import db as _db

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")


@pytest.fixture
def file_app(tmp_path, monkeypatch):
    """An app over a database file that other processes can open too."""
    monkeypatch.setenv("WELFARE_INSTANCE", str(tmp_path))
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    app = live_app(url, JOBS_HEARTBEAT_SECONDS=0.5, JOBS_STALE_SECONDS=3)
    app.instance_path = str(tmp_path)
    yield app
    with app.app_context():
        _db.session.remove()
        _db.engine.dispose()


@pytest.fixture
def redis_queue():
    redis = pytest.importorskip("redis")
    connection = redis.from_url(REDIS_URL)
    try:
        connection.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at TEST_REDIS_URL")
    connection.flushdb()
    yield connection
    connection.flushdb()
