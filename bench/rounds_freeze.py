"""Freeze benchmark: the Linyuan demo round (target <= 2 s) and a whole-city round of
560,000 eligible elders (target <= 30 s), on PostgreSQL.

    .venv/bin/python bench/rounds_freeze.py [--people 15000] [--elders 560000]

Uses ROUNDS_BENCH_DATABASE_URL (default: database welfare_rounds_bench); it is wiped."""

import argparse
import time

import sqlalchemy as sa
from rounds_common import bench_app, copy_elders, fresh_schema, seed_demo


def timed_freeze(app, name):
    from welfare.auth.models import User
    from welfare.extensions import db
    from welfare.rounds import services
    from welfare.rounds.models import Round

    with app.app_context():
        staff = db.session.scalar(sa.select(User).filter_by(username="staff"))
        demo = db.session.scalar(sa.select(Round).filter_by(festival="double_ninth"))
        draft = services.copy_round(demo, staff, name, demo.year)
        db.session.commit()
        started = time.perf_counter()
        people, amount = services.freeze_round(draft, actor=staff)
        db.session.commit()
        return time.perf_counter() - started, people, amount


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=15000, help="Linyuan demo residents")
    parser.add_argument("--elders", type=int, default=560000, help="eligible elders, city")
    args = parser.parse_args()
    app = bench_app()
    fresh_schema(app)
    print(f"demo seed ({args.people} people): {seed_demo(app, args.people):.1f} s")
    seconds, people, amount = timed_freeze(app, "Linyuan freeze bench")
    print(f"Linyuan round: froze {people:,} elders (NT${amount:,}) in {seconds:.2f} s "
          f"(target <= 2 s)")
    started = time.perf_counter()
    copy_elders(app, args.elders - people, young=100000)
    with app.app_context():
        from welfare.extensions import db

        with db.engine.begin() as conn:
            conn.execute(sa.text("ANALYZE people"))
    print(f"COPY {args.elders - people:,} elders + 100,000 younger: "
          f"{time.perf_counter() - started:.1f} s")
    seconds, people, amount = timed_freeze(app, "City freeze bench")
    print(f"City round: froze {people:,} elders (NT${amount:,}) in {seconds:.2f} s "
          f"(target <= 30 s)")


if __name__ == "__main__":
    main()
