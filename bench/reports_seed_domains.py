"""Add the other domains' demo data to the roster bench database, so that the statistics
bench counts every figure family at scale: this year's Double Ninth round frozen over the
whole roster and partly paid, home visits of every isolated elder for four months, a
relief-delivery event.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/welfare_reports_bench \\
        .venv/bin/python bench/reports_seed_domains.py

Run it once after bench/seed_1m.py (same BENCH_DATABASE_URL); it refuses to run twice."""

import random
import time
from datetime import date

import sqlalchemy as sa
from roster_common import BENCH_URL, bench_app


def main():
    from welfare.auth.models import User
    from welfare.delivery import demo as delivery_demo
    from welfare.demo.cli import SeedContext
    from welfare.extensions import db
    from welfare.rounds import demo as rounds_demo
    from welfare.visits import demo as visits_demo

    app = bench_app()
    with app.app_context():
        if db.session.scalar(sa.text("SELECT count(*) FROM gift_rounds")):
            raise SystemExit("this database already has rounds: reseed it with seed_1m.py first")
        ctx = SeedContext(rng=random.Random(6), today=date.today(), people=0,
                          password="bench-pass-1", echo=print)
        for user in db.session.scalars(sa.select(User)):
            ctx.users.setdefault(user.role, user)
        for domain, seed in (("rounds", rounds_demo.seed), ("visits", visits_demo.seed),
                             ("delivery", delivery_demo.seed)):
            started = time.perf_counter()
            seed(ctx)
            db.session.commit()
            print(f"{domain}: {time.perf_counter() - started:.1f} s")
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
        for table in ("gift_round_entries", "gift_payouts", "visits", "delivery_stops"):
            print(f"{table}: {db.session.scalar(sa.text(f'SELECT count(*) FROM {table}')):,}")
    print(f"database: {sa.engine.make_url(BENCH_URL).render_as_string(hide_password=True)}")


if __name__ == "__main__":
    main()
