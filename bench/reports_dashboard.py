"""Server time of the statistics pages over the bench database (a million people).

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/welfare_reports_bench \\
        .venv/bin/python bench/reports_dashboard.py [--runs 10]

Seed the database first with bench/seed_1m.py (same BENCH_DATABASE_URL). Each page is
requested through the app in this process (no network), signed in as the demo admin;
the time is the whole request: queries, charts, template. "cold" empties the reports
cache before every request (every count is rescanned); "warm" is the same page again
within the cache time (REPORTS_CACHE_SECONDS, 10 minutes)."""

import argparse
import statistics
import time

import sqlalchemy as sa
from roster_common import BENCH_URL, percentile

from config import Config

PAGES = [
    ("dashboard, all villages, 12 months", "/reports"),
    ("dashboard, one village", "/reports?village=64000130001"),
    ("dashboard, 5 years", "/reports?start=2021-01&end=2025-12"),
    ("village map", "/reports/map?measure=villages.seniors"),
    ("XLSX of people by village", "/reports/villages.xlsx"),
    ("open data page (no cache)", "/open-data"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--limit-ms", type=float, default=500.0)
    args = parser.parse_args()

    from welfare import create_app
    from welfare.auth.models import User
    from welfare.extensions import db
    from welfare.reports import cache as report_cache
    from welfare.reports import opendata

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = BENCH_URL
        WTF_CSRF_ENABLED = False

    app = create_app(BenchConfig)
    with app.app_context():
        people = db.session.scalar(sa.text("SELECT count(*) FROM people"))
        admin = db.session.scalar(sa.select(User).where(User.role == "admin"))
        admin.set_password("bench-pass-1")
        admin.failed_logins, admin.locked_until = 0, None
        db.session.commit()
        username = admin.username
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": "bench-pass-1"})
    assert response.status_code == 302, response.status_code
    print(f"database: {sa.engine.make_url(BENCH_URL).render_as_string(hide_password=True)}")
    print(f"people: {people:,}; runs per page: {args.runs}")
    print(f"{'page':<38} {'cold median':>12} {'cold max':>9} {'warm median':>12} "
          f"{'warm p95':>9}  (ms)")
    failed = False
    for label, path in PAGES:
        cold, warm = [], []
        for _ in range(args.runs):
            with app.app_context():
                report_cache.clear()
            opendata.cache.clear()
            cold.append(_timed(client, path))
            warm.append(_timed(client, path))
        print(f"{label:<38} {statistics.median(cold):12.0f} {max(cold):9.0f} "
              f"{statistics.median(warm):12.0f} {percentile(warm, 0.95):9.0f}")
        if path == "/reports" and statistics.median(warm) > args.limit_ms:
            failed = True
    print(f"dashboard warm median {'ABOVE' if failed else 'within'} {args.limit_ms:.0f} ms")
    raise SystemExit(1 if failed else 0)


def _timed(client, path):
    started = time.perf_counter()
    response = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (path, response.status_code)
    return elapsed


if __name__ == "__main__":
    main()
