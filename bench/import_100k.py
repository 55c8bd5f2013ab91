"""Import 100,000 new residents from a CSV into the bench database; print the times.

Writes a CSV of new people (valid, unused ID numbers, Chinese names, ROC dates) with the
demo generator, then runs the roster importer on it: a dry run, then the real import.
The real import is rolled back afterwards (so the bench database keeps its million)
unless --commit is given.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/welfare_bench \\
        .venv/bin/python bench/import_100k.py [--rows 100000] [--commit]
"""

import argparse
import csv
import random
import time
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from roster_common import bench_app, timed_import

HEADERS = ("身分證字號", "姓名", "性別", "出生日期", "里", "鄰", "地址", "電話", "手機", "設籍日期")


def roc(day):
    return f"{day.year - 1911}/{day.month:02d}/{day.day:02d}"


def write_csv(path, rows, taken_ids, villages):
    from welfare.roster.demo_people import Town

    town = Town(random.Random(1010), date.today(), list(villages), taken_ids=taken_ids)
    written = 0
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(HEADERS)
        while written < rows:
            village, lin, address, indigenous, members = town.household()
            phone = town.landline()
            for member in members[: rows - written]:
                p = town.person_values(member, indigenous, phone)
                out.writerow((p["id_number"], p["name"], "男" if p["sex"] == "M" else "女",
                              roc(p["birth_date"]), villages[village], lin, address, p["phone"],
                              p["mobile"], roc(p["registered_on"])))
                written += 1
    return written


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--file", default="/tmp/welfare-import-100k.csv")
    parser.add_argument("--commit", action="store_true", help="Keep the imported people.")
    parser.add_argument("--profile", action="store_true", help="Print where the time goes.")
    args = parser.parse_args()

    from welfare.auth.models import User
    from welfare.extensions import db
    from welfare.geo.models import Village
    from welfare.roster.importer import import_file
    from welfare.roster.models import Person

    app = bench_app()
    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count(Person.id)))
        villages = dict(db.session.execute(sa.select(Village.id, Village.name_zh)).all())
        started = time.perf_counter()
        taken = db.session.scalars(sa.select(Person.id_number))
        count = write_csv(Path(args.file), args.rows, taken, villages)
        print(f"people before: {before:,}; wrote {count:,} rows to {args.file} in "
              f"{time.perf_counter() - started:.1f} s", flush=True)
    # The importer's messages are translated per request: give it one, as the CLI does.
    with app.test_request_context(environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        admin = db.session.scalar(sa.select(User).where(User.username == "admin"))
        timed_import("dry run", lambda: import_file(args.file, dry_run=True, actor=admin))
        db.session.rollback()
        result, _seconds = timed_import(
            "import", lambda: import_file(args.file, actor=admin, commit=False),
            profile=args.profile)
        if args.commit:
            started = time.perf_counter()
            db.session.commit()
            print(f"commit: {time.perf_counter() - started:.1f} s")
        else:
            db.session.rollback()
            print("rolled back (use --commit to keep the imported people)")
        if result.created != count:
            raise SystemExit(f"expected {count} new people, got {result.created}; first errors: "
                             f"{result.errors[:3]}")


if __name__ == "__main__":
    main()
