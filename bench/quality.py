"""The data-quality counts (every check, GROUP BY village) over the bench database, for the
unrestricted and for a one-village clerk; prints p50/max of the counts alone and of the
whole page through the test client (template included), counted live and then read from the
stored counts (quality_counts) after a recount, and of the home page with its work list.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/welfare_bench \\
        .venv/bin/python bench/quality.py [--runs 5]
"""

import argparse
import time

import sqlalchemy as sa
from roster_common import BENCH_URL, bench_app, percentile


def timed(func, runs):
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        times.append(time.perf_counter() - started)
    return percentile(times, 0.5), max(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from welfare.auth import scope
    from welfare.extensions import db
    from welfare.geo.models import Village
    from welfare.roster import quality, quality_store
    from welfare.roster.models import QualityCount

    app = bench_app()
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        people = db.session.scalar(sa.text("SELECT count(*) FROM people"))
        village = db.session.scalars(sa.select(Village).order_by(Village.code)).first()
        found, _villages = quality.counts()
        print(f"database: {sa.engine.make_url(BENCH_URL).render_as_string(hide_password=True)}")
        print(f"people: {people:,}")
        totals = {c.key: sum(v.get(c.key, 0) for v in found.values()) for c in quality.CHECKS}
        print("totals:", totals)
        with scope.unrestricted():
            p50, worst = timed(quality.counts, args.runs)
        print(f"counts, every village : p50 {p50 * 1000:7.0f} ms, max {worst * 1000:7.0f} ms")
        with scope.acting(scope.Scope("villages", (village.id,))):
            p50, worst = timed(quality.counts, args.runs)
        print(f"counts, one village   : p50 {p50 * 1000:7.0f} ms, max {worst * 1000:7.0f} ms")
        db.session.execute(sa.delete(QualityCount))  # the page counts live until recounted
        db.session.commit()
        village_ids = set(db.session.scalars(sa.select(Village.id)))
    client = app.test_client()
    response = client.post("/login", data={"username": "admin", "password": "bench-pass-1"})
    assert response.status_code == 302, response.status_code

    def page():
        assert client.get("/people/quality").status_code == 200

    def home():
        assert client.get("/").status_code == 200

    p50, worst = timed(page, args.runs)
    print(f"GET /people/quality, live  : p50 {p50 * 1000:7.0f} ms, max {worst * 1000:7.0f} ms")
    p50, worst = timed(home, args.runs)
    print(f"GET / (no stored counts)   : p50 {p50 * 1000:7.0f} ms, max {worst * 1000:7.0f} ms")
    with app.app_context():
        p50, worst = timed(lambda: (quality_store.recount_task()), 1)
        print(f"recount (job's work)       : {p50 * 1000:7.0f} ms")
        with scope.unrestricted():
            p50, worst = timed(lambda: quality_store.stored(village_ids), args.runs)
        print(f"stored, every village      : p50 {p50 * 1000:7.1f} ms, max {worst * 1000:7.1f} ms")
    p50, worst = timed(page, args.runs)
    print(f"GET /people/quality, stored: p50 {p50 * 1000:7.0f} ms, max {worst * 1000:7.0f} ms")
    p50, worst = timed(home, args.runs)
    print(f"GET / (stored counts)      : p50 {p50 * 1000:7.0f} ms, max {worst * 1000:7.0f} ms")


if __name__ == "__main__":
    main()
