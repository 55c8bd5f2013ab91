"""Server time of the statistics pages over the bench database (a million people).

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/welfare_reports_bench \\
        .venv/bin/python bench/reports_dashboard.py [--runs 10] [--recount-runs 2]

Seed the database first with bench/seed_1m.py and bench/reports_seed_domains.py (same
BENCH_DATABASE_URL). Each page is requested through the app in this process (no
network), signed in as the demo admin; the time is the whole request: queries, charts,
template. First the stored roster counts are brought up to date as the cron job does
(`flask reports refresh`). Then, per page, after one request that is not counted (the
process's first use of that page's templates and code):
- "cold": the reports cache (process and Redis) is emptied before every request, so every
  figure is counted again; the roster figures read the stored snapshot;
- "warm": the same page again within the cache time (REPORTS_CACHE_SECONDS);
- "recount": as cold, and the page's roster snapshot deleted too (the worst case: a day
  nobody has counted yet, or a changed roster older than the keep time).
CPU is this process's CPU time per request (PostgreSQL's own work is not in it)."""

import argparse
import statistics
import time
from datetime import date

import sqlalchemy as sa
from roster_common import BENCH_URL, percentile

from config import Config

PAGES = [
    ("dashboard, all villages, 12 months", "/reports"),
    ("dashboard, one village", "/reports?village=64000130001"),
    ("dashboard, 5 years", "/reports?start=2021-01&end=2025-12"),
    ("dashboard, one village, 5 years", "/reports?village=64000130005&start=2021-01&end=2025-12"),
    ("village map", "/reports/map?measure=villages.seniors"),
    ("XLSX of people by village", "/reports/villages.xlsx"),
    ("open data page (no cache)", "/open-data"),
]
DASHBOARD = "/reports"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--recount-runs", type=int, default=2)
    parser.add_argument("--limit-ms", type=float, default=500.0)
    args = parser.parse_args()

    from welfare import create_app
    from welfare.auth.models import User
    from welfare.extensions import db
    from welfare.reports import cache as report_cache
    from welfare.reports import opendata, snapshots
    from welfare.reports.models import ReportSnapshot

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = BENCH_URL
        WTF_CSRF_ENABLED = False

    app = create_app(BenchConfig)
    with app.app_context():
        people = db.session.scalar(sa.text("SELECT count(*) FROM people"))
        admin = db.session.scalar(sa.select(User).where(User.role == "admin"))
        admin.set_password("bench-pass-1")
        db.session.commit()
        username = admin.username
        started = time.perf_counter()
        refreshed = snapshots.refresh_due(date.today())
        counted = [s for _d, s in refreshed if s is not None]
        print(f"refresh: {len(counted)} of {len(refreshed)} snapshots counted in "
              f"{time.perf_counter() - started:.1f} s"
              + (f" ({min(counted):.1f}-{max(counted):.1f} s each)" if counted else ""))
    client = app.test_client()
    response = client.post("/login", data={"username": username, "password": "bench-pass-1"})
    assert response.status_code == 302, response.status_code
    print(f"database: {sa.engine.make_url(BENCH_URL).render_as_string(hide_password=True)}")
    print(f"people: {people:,}; runs per page: {args.runs} (recount: {args.recount_runs})")
    print(f"{'page':<40} {'cold med':>8} {'cold p95':>8} {'cold CPU':>8} {'warm med':>8} "
          f"{'warm p95':>8} {'recount':>8}  (ms)")

    def forget():
        with app.app_context():
            report_cache.clear()
        opendata.cache.clear()

    def drop_snapshot(path):
        with app.app_context():
            from werkzeug.datastructures import MultiDict

            from welfare.reports import dashboard

            query = path.partition("?")[2]
            pairs = [p.split("=", 1) for p in query.split("&") if "=" in p]
            as_of = dashboard.scope_for(MultiDict(pairs), None).as_of
            db.session.execute(sa.delete(ReportSnapshot).where(ReportSnapshot.as_of == as_of))
            db.session.commit()

    failed = False
    for label, path in PAGES:
        _timed(client, path)  # not counted: the process's first use of templates and code
        cold, cold_cpu, warm, recount = [], [], [], []
        for _ in range(args.runs):
            forget()
            elapsed, cpu = _timed(client, path)
            cold.append(elapsed)
            cold_cpu.append(cpu)
            warm.append(_timed(client, path)[0])
        if path.startswith("/reports?") or path == DASHBOARD:
            for _ in range(args.recount_runs):
                forget()
                drop_snapshot(path)
                recount.append(_timed(client, path)[0])
        shown = f"{statistics.median(recount):8.0f}" if recount else f"{'-':>8}"
        print(f"{label:<40} {statistics.median(cold):8.0f} {percentile(cold, 0.95):8.0f} "
              f"{statistics.median(cold_cpu):8.0f} {statistics.median(warm):8.0f} "
              f"{percentile(warm, 0.95):8.0f} {shown}")
        if path == DASHBOARD and statistics.median(cold) > args.limit_ms:
            failed = True
    print(f"dashboard cold median {'ABOVE' if failed else 'within'} {args.limit_ms:.0f} ms")
    raise SystemExit(1 if failed else 0)


def _timed(client, path):
    started, cpu = time.perf_counter(), time.process_time()
    response = client.get(path)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (path, response.status_code)
    return elapsed, (time.process_time() - cpu) * 1000


if __name__ == "__main__":
    main()
