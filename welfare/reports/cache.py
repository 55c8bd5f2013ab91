"""Grouped counts kept for a few minutes, so that a busy office does not rescan a million
rows on every page. With REDIS_URL set the counts are shared by every worker and
`flask reports warm` (run from cron) keeps them ready; otherwise each process keeps its
own. REPORTS_CACHE_SECONDS sets the time (0 turns it off; tests run without it)."""

import json
import logging
import threading
import time
from datetime import UTC, datetime

from flask import current_app

DEFAULT_SECONDS = 600
PREFIX = "welfare:reports:"
_lock = threading.Lock()
_entries = {}
log = logging.getLogger(__name__)


def seconds():
    default = 0 if current_app.testing else DEFAULT_SECONDS
    return int(current_app.config.get("REPORTS_CACHE_SECONDS", default))


def encode(value):
    """A dict with tuple keys (and int or tuple values) as JSON text."""
    return json.dumps([[list(k) if isinstance(k, tuple) else k, v] for k, v in value.items()])


def decode(text):
    def plain(item):
        return tuple(item) if isinstance(item, list) else item

    return {plain(k): plain(v) for k, v in json.loads(text)}


def _redis():
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    import redis

    return redis.from_url(url, socket_timeout=2)


def _redis_down():
    """The errors of a Redis that cannot be reached or does not answer in time."""
    from redis.exceptions import ConnectionError, TimeoutError

    return ConnectionError, TimeoutError


def get(key, compute):
    """(value, computed_at UTC) for a key; computed now when missing or too old. Only an
    unreachable Redis falls back to this process's memory: a failing `compute` raises."""
    ttl = seconds()
    if ttl <= 0:
        return compute(), datetime.now(UTC).replace(tzinfo=None)
    text_key = PREFIX + json.dumps(key, default=str)
    client = _redis()
    if client is None:
        return _from_memory(text_key, ttl, compute)
    try:
        hit = client.get(text_key)
    except _redis_down() as exc:  # Redis down: counting from the database still works
        log.warning("reports cache: Redis unavailable (%s)", exc)
        return _from_memory(text_key, ttl, compute)
    if hit:
        stored = json.loads(hit)
        return decode(stored["value"]), datetime.fromisoformat(stored["at"])
    value, at = compute(), datetime.now(UTC).replace(tzinfo=None)
    try:
        client.setex(text_key, ttl, json.dumps({"value": encode(value), "at": at.isoformat()}))
    except _redis_down() as exc:
        log.warning("reports cache: Redis unavailable (%s)", exc)
    return value, at


def _from_memory(key, ttl, compute):
    now = time.monotonic()
    with _lock:
        hit = _entries.get(key)
    if hit and now - hit[0] < ttl:
        return hit[1], hit[2]
    value, at = compute(), datetime.now(UTC).replace(tzinfo=None)
    with _lock:
        _entries[key] = (now, value, at)
        for old in [k for k, v in _entries.items() if now - v[0] >= ttl]:
            del _entries[old]
    return value, at


def clear():
    """Forget every kept count (this process and, when configured, Redis)."""
    with _lock:
        _entries.clear()
    client = _redis()
    if client is not None:
        for key in client.scan_iter(PREFIX + "*"):
            client.delete(key)
