"""Shared by the bench scripts: the bench database URL and an app pointed at it."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config import Config, normalise_database_url  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/welfare_bench"
BENCH_URL = normalise_database_url(os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))


def recreate(url):
    """Drop and create the bench database named by `url` (its server's `postgres` database
    does the work)."""
    import sqlalchemy as sa

    target = sa.engine.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def timed_import(label, function, profile=False, lines=25):
    """Run an import, print its time and result (and a profile's top `lines`); (result,
    seconds)."""
    import cProfile
    import pstats
    import time

    profiler = cProfile.Profile() if profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    result = function()
    if profiler:
        profiler.disable()
    seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.1f} s  {result.to_dict() | {'errors': len(result.errors)}}",
          flush=True)
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(lines)
    return result, seconds


def bench_app(url=BENCH_URL):
    from welfare import create_app

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url

    return create_app(BenchConfig)


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]
