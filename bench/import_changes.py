"""Import 100,000 戶政異動 change rows on PostgreSQL; print the times.

Recreates its own database (default welfare_changes_bench), migrates it, seeds a roster
with the demo generator (150,000 people by default), freezes and approves an elder-gift
round over it, then writes a change file naming 100,000 distinct people on the register
(deaths, move-outs and address changes, dates in every ROC and AD form) and runs
`welfare.roster.feeds.import_file` on it: a dry run, then the real import with the rounds'
hold listener. The real import is rolled back afterwards unless --commit is given, so the
run can be repeated with --reuse (skips the seeding).

    BENCH_CHANGES_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/welfare_changes_bench \\
        .venv/bin/python bench/import_changes.py [--rows 100000] [--people 150000] [--reuse]
"""

import argparse
import csv
import os
import random
import time
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa
from roster_common import bench_app, recreate, timed_import

from config import normalise_database_url

URL = normalise_database_url(os.environ.get(
    "BENCH_CHANGES_DATABASE_URL",
    "postgresql+psycopg://postgres@127.0.0.1:5432/welfare_changes_bench"))
HEADERS = ("身分證字號", "異動類別", "異動日期", "新地址", "備註")
WORDS = (("死亡", 45), ("遷出", 45), ("住址變更", 10))


def date_forms(day, rng):
    """The same day in one of the forms the import accepts."""
    year = day.year - 1911
    return rng.choice((
        f"{year}/{day.month:02d}/{day.day:02d}", f"{year:03d}{day.month:02d}{day.day:02d}",
        f"{year}.{day.month}.{day.day}", f"{year}年{day.month}月{day.day}日",
        day.isoformat(), f"{day.year}/{day.month}/{day.day}"))


def seed(people):
    from flask_migrate import upgrade

    from welfare.demo.cli import SeedContext, create_accounts
    from welfare.extensions import db
    from welfare.roster import demo
    from welfare.rounds import services

    recreate(URL)
    app = bench_app(URL)
    with app.app_context():
        upgrade()
        ctx = SeedContext(rng=random.Random(832), today=date.today(), people=people,
                          password="bench-pass-1", echo=lambda *a, **k: None)
        create_accounts(ctx)
        demo.seed(ctx)
        db.session.commit()
        today = date.today()
        data = services.new_round_data("double_ninth", today.year) | {
            "name": "異動測試輪", "payout_start": today - timedelta(days=10),
            "payout_end": today + timedelta(days=20),
            "late_claim_end": today + timedelta(days=60)}
        round_ = services.create_round(data, actor=ctx.users["staff"])
        frozen = services.freeze_round(round_, actor=ctx.users["staff"])
        services.approve_round(round_, actor=ctx.users["supervisor"])
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
        return frozen


def write_csv(path, rows, rng):
    from welfare.extensions import db
    from welfare.roster.models import Person

    people = db.session.execute(
        sa.select(Person.id_number, Person.birth_date, Person.address)
        .where(Person.status == "registered", Person.merged_into_id.is_(None))).all()
    if len(people) < rows:
        raise SystemExit(f"only {len(people):,} registered people; seed more (--people)")
    chosen = rng.sample(people, rows)
    words = [w for w, share in WORDS for _ in range(share)]
    today = date.today()
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(HEADERS)
        for id_number, birth_date, address in chosen:
            word = rng.choice(words)
            day = today - timedelta(days=rng.randint(1, 300))
            day = max(day, birth_date)
            new_address = f"{address}之{rng.randint(1, 9)}" if word == "住址變更" else ""
            number = id_number.lower() if rng.random() < 0.05 else id_number
            out.writerow((number, word, date_forms(day, rng), new_address,
                          "戶政事務所通報" if rng.random() < 0.2 else ""))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=150_000)
    parser.add_argument("--file", default="/tmp/welfare-changes-100k.csv")
    parser.add_argument("--reuse", action="store_true",
                        help="Keep the database of an earlier run (no seeding).")
    parser.add_argument("--commit", action="store_true", help="Keep the imported changes.")
    parser.add_argument("--profile", action="store_true", help="Print where the time goes.")
    args = parser.parse_args()

    if not args.reuse:
        started = time.perf_counter()
        frozen = seed(args.people)
        print(f"seeded {args.people:,} people, froze a round of {frozen[0]:,} in "
              f"{time.perf_counter() - started:.1f} s", flush=True)

    from welfare.auth.models import User
    from welfare.extensions import db
    from welfare.roster.feeds import import_file
    from welfare.rounds.models import RoundEntry

    app = bench_app(URL)
    with app.app_context():
        started = time.perf_counter()
        count = write_csv(Path(args.file), args.rows, random.Random(1141015))
        print(f"wrote {count:,} rows to {args.file} in {time.perf_counter() - started:.1f} s",
              flush=True)
    with app.test_request_context(environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
        timed_import("dry run", lambda: import_file(args.file, kind="changes", dry_run=True,
                                                    actor=admin))
        db.session.rollback()
        result, seconds = timed_import(
            "import", lambda: import_file(args.file, kind="changes", actor=admin, commit=False),
            profile=args.profile, lines=30)
        held = db.session.scalar(sa.select(sa.func.count(RoundEntry.id))
                                 .where(RoundEntry.hold.is_not(None)))
        print(f"entries held by the import: {held:,}")
        started = time.perf_counter()
        if args.commit:
            db.session.commit()
            print(f"commit: {time.perf_counter() - started:.1f} s")
        else:
            db.session.rollback()
            print("rolled back (use --commit to keep the changes)")
        print(f"load average: {os.getloadavg()[0]:.1f}")
        if result.valid != count or result.updated != count:
            raise SystemExit(f"expected {count} valid changes, got {result.valid} valid, "
                             f"{result.updated} updated; first errors: {result.errors[:3]}")
        if seconds > 60:
            raise SystemExit(f"import took {seconds:.1f} s: over the 60 s goal")


if __name__ == "__main__":
    main()
