"""Recreate the bench database, migrate it and seed a million residents; print the times.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/welfare_bench \\
        .venv/bin/python bench/seed_1m.py [--people 1000000]
"""

import argparse
import random
import time
from datetime import date

import sqlalchemy as sa
from flask_migrate import upgrade
from roster_common import BENCH_URL, bench_app, recreate


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=832)
    args = parser.parse_args()

    from welfare.demo.cli import SeedContext, create_accounts
    from welfare.extensions import db
    from welfare.roster import demo

    timings = {}
    started = time.perf_counter()
    recreate(BENCH_URL)
    app = bench_app()
    with app.app_context():
        step = time.perf_counter()
        upgrade()
        timings["migrate"] = time.perf_counter() - step
        ctx = SeedContext(rng=random.Random(args.seed), today=date.today(), people=args.people,
                          password="bench-pass-1", echo=print)
        step = time.perf_counter()
        create_accounts(ctx)
        demo.seed(ctx)
        db.session.commit()
        timings["seed roster"] = time.perf_counter() - step
        step = time.perf_counter()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
        timings["vacuum analyze"] = time.perf_counter() - step
        people = db.session.scalar(sa.text("SELECT count(*) FROM people"))
    timings["total"] = time.perf_counter() - started
    print(f"database: {sa.engine.make_url(BENCH_URL).render_as_string(hide_password=True)}")
    print(f"people: {people:,}")
    for name, seconds in timings.items():
        print(f"{name:>15}: {seconds:7.1f} s")


if __name__ == "__main__":
    main()
