"""Grouped counts kept for a few minutes, so that a busy office does not rescan a million
rows on every page. Each process keeps its own; REPORTS_CACHE_SECONDS sets the time
(0 turns it off; tests run without it)."""

import threading
import time
from datetime import UTC, datetime

from flask import current_app

DEFAULT_SECONDS = 600
_lock = threading.Lock()
_entries = {}


def seconds():
    default = 0 if current_app.testing else DEFAULT_SECONDS
    return int(current_app.config.get("REPORTS_CACHE_SECONDS", default))


def get(key, compute):
    """(value, computed_at UTC) for a key; computed now when missing or too old."""
    ttl = seconds()
    now = time.monotonic()
    if ttl > 0:
        with _lock:
            hit = _entries.get(key)
        if hit and now - hit[0] < ttl:
            return hit[1], hit[2]
    value, computed_at = compute(), datetime.now(UTC).replace(tzinfo=None)
    if ttl > 0:
        with _lock:
            _entries[key] = (now, value, computed_at)
            for old in [k for k, v in _entries.items() if now - v[0] >= ttl]:
                del _entries[old]
    return value, computed_at


def clear():
    with _lock:
        _entries.clear()
