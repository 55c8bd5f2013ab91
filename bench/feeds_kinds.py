"""Time the registry feeds added for issue 13 (households, low-income, elders) on a fresh
database: N people are imported first, then a household file (every person, households of
about three), a low-income list (one member of every fifth household) and an isolated-elder
list (every tenth person, two contacts each); each file is imported, then imported again
(nothing changes the second time).

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/feeds_bench \\
        .venv/bin/python bench/feeds_kinds.py [--people 20000]

The database is emptied and rebuilt by the migrations first: give it one of its own."""

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from roster_common import BENCH_URL, bench_app

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.data.roster_files import person_rows, write_csv  # noqa: E402


def timed(label, function):
    started = time.perf_counter()
    result = function()
    seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.1f} s  rows {result.rows}, created {result.created}, "
          f"updated {result.updated}, unchanged {result.unchanged}, errors {len(result.errors)}",
          flush=True)
    return result


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=20000)
    args = parser.parse_args()
    engine = sa.create_engine(BENCH_URL)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    app = bench_app()
    with app.app_context(), app.test_request_context():
        import flask_migrate

        from welfare.roster.feeds import import_file

        flask_migrate.upgrade()
        rng = random.Random(13)
        rows = person_rows(args.people, seed=13)
        folder = Path(tempfile.mkdtemp())
        timed("people", lambda: import_file(write_csv(folder / "people.csv", rows)))
        ids = [r[0] for r in rows]
        households, n = [], 0
        while n < len(ids):
            size = rng.randint(1, 5)
            households.append(ids[n:n + size])
            n += size
        lines = []
        for number, members in enumerate(households, start=1):
            for position, pid in enumerate(members):
                lines.append([f"E{number:07d}", pid, "戶長" if position == 0 else "子",
                              "是" if position == 0 else "否"])
        path = write_csv(folder / "households.csv", lines, headers=["戶號", "身分證字號", "稱謂",
                                                                     "戶長"])
        timed(f"households ({len(lines)} rows, {len(households)} households)",
              lambda: import_file(path))
        timed("households again", lambda: import_file(path))
        low = [[m[0], "低收入戶" if k % 3 else "中低收入戶", "第一款" if k % 3 else "",
                "114/01/01", "114/12/31", f"E{k + 1:07d}"]
               for k, m in enumerate(households) if k % 5 == 0]
        path = write_csv(folder / "low.csv", low, headers=["身分證字號", "類別", "款別", "核定起日",
                                                           "核定迄日", "戶號"])
        timed(f"low-income ({len(low)} rows)", lambda: import_file(path))
        timed("low-income again", lambda: import_file(path))
        elders = [[pid, str(1 + k % 4), "114/09/01", "社工", "獨居", "甲；乙",
                   f"09120{k % 100000:05d}；07-64{k % 100000:05d}"]
                  for k, pid in enumerate(ids) if k % 10 == 0]
        path = write_csv(folder / "elders.csv", elders, headers=[
            "身分證字號", "照顧等級", "評估日期", "評估人", "居住狀況", "緊急聯絡人",
            "緊急聯絡人電話"])
        timed(f"elders ({len(elders)} rows)", lambda: import_file(path))
        timed("elders again", lambda: import_file(path))


if __name__ == "__main__":
    main()
