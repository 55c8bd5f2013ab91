"""Shared by the bench scripts: the bench database URL and an app pointed at it."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config import Config, normalise_database_url  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/welfare_bench"
BENCH_URL = normalise_database_url(os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))


def bench_app(url=BENCH_URL):
    from welfare import create_app

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url

    return create_app(BenchConfig)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]
