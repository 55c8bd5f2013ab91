"""Print benchmark: every village sheet of the demo Double Ninth round (about 14,000 rows
with --people 70000), as `rounds print` and the print job do it. Target <= 30 s.

    .venv/bin/python bench/rounds_print.py [--people 70000] [--reuse] [--workers 2] [--out DIR]

--workers is the number of processes WeasyPrint renders in (forked by a fork server).

Uses ROUNDS_BENCH_DATABASE_URL (default welfare_rounds_bench); wiped unless --reuse.
Reports wall time, CPU time of this process and its workers (less sensitive to other load on
the machine) and the load average."""

import argparse
import os
import resource
import subprocess
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa
from procstat import children_cpu_seconds
from rounds_common import bench_app, fresh_schema, seed_demo


def _cpu_seconds():
    """User + system CPU of this process, its finished children, and every live child with
    the children it reaped: the workers are forked by a fork server that outlives the run."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
            + children_cpu_seconds())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=70000)
    parser.add_argument("--reuse", action="store_true", help="keep the seeded database")
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    app = bench_app()
    if not args.reuse:
        fresh_schema(app)
        print(f"demo seed ({args.people} people): {seed_demo(app, args.people):.1f} s")
    from welfare.extensions import db
    from welfare.rounds import queries, sheets
    from welfare.rounds.models import Round

    out = Path(args.out or tempfile.mkdtemp(prefix="rounds-print-"))
    out.mkdir(parents=True, exist_ok=True)
    with app.app_context():
        round_ = db.session.scalar(sa.select(Round).filter_by(festival="double_ninth",
                                                              status="approved"))
        expected = {v["code"]: (v["people"], v["amount"]) for v in queries.by_village(round_.id)}
        load_before = os.getloadavg()[0]
        cpu_started = _cpu_seconds()
        started = time.perf_counter()
        found = sheets.village_sheets(round_)
        loaded = time.perf_counter() - started
        files = sheets.render_many(found, workers=args.workers)
        seconds = time.perf_counter() - started
        cpu = _cpu_seconds() - cpu_started
        for name, data in files:
            (out / name).write_bytes(data)
    rows = sum(len(s["rows"]) for s in found)
    print(f"{len(files)} village sheets, {rows:,} rows: {seconds:.1f} s "
          f"(rows loaded in {loaded:.1f} s; {args.workers} workers; target <= 30 s) "
          f"-> {out}")
    print(f"CPU {cpu:.1f} s in all processes ({cpu / rows * 1000:.2f} ms per row); load average "
          f"{load_before:.2f} before, {os.getloadavg()[0]:.2f} after")
    # Read every PDF back and compare its closing line with `rounds show`.
    from welfare.core.money import capitals

    bad = 0
    for pdf in sorted(out.glob("*.pdf")):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                              check=True).stdout
        people, amount = expected[pdf.name.split("-")[0]]
        if f"共計 {people} 人" not in text or f"{amount:,}" not in text \
                or capitals(amount) not in text:
            bad += 1
            print(f"  MISMATCH {pdf.name}")
    print(f"checked {len(files)} PDFs against rounds show: {bad} mismatches")


if __name__ == "__main__":
    main()
