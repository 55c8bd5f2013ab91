"""Payout benchmark: 20 concurrent clerks POST "paid to the elder" against gunicorn
(4 workers) on PostgreSQL. Target >= 100 payouts per second.

    .venv/bin/python bench/rounds_payouts.py [--clients 20] [--payouts 2000] [--workers 4]

Needs the demo round in ROUNDS_BENCH_DATABASE_URL (run bench/rounds_print.py first, or
bench/rounds_freeze.py)."""

import argparse
import os
import re
import subprocess
import sys
import tempfile
import threading
import time

import requests
import sqlalchemy as sa
from rounds_common import BENCH_URL, PASSWORD, ROOT, bench_app

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PORT = 5105


def unpaid_entries(limit):
    from welfare.extensions import db
    from welfare.roster.models import Person
    from welfare.rounds.models import Payout, Round, RoundEntry

    app = bench_app()
    with app.app_context():
        round_ = db.session.scalar(sa.select(Round).filter_by(festival="double_ninth",
                                                              status="approved"))
        paid = sa.select(Payout.entry_id).where(Payout.round_id == round_.id,
                                               Payout.reversed_at.is_(None))
        ids = db.session.scalars(
            sa.select(RoundEntry.id).join(Person, Person.id == RoundEntry.person_id)
            .where(RoundEntry.round_id == round_.id, RoundEntry.id.not_in(paid),
                   RoundEntry.hold.is_(None), RoundEntry.batch == 0,
                   Person.status == "registered").order_by(RoundEntry.id).limit(limit)).all()
        return round_.id, ids


def effective_count(round_id):
    from welfare.extensions import db
    from welfare.rounds.models import Payout

    with bench_app().app_context():
        return db.session.scalar(sa.select(sa.func.count(Payout.id)).where(
            Payout.round_id == round_id, Payout.reversed_at.is_(None)))


def start_server(workers):
    env = dict(os.environ, DATABASE_URL=BENCH_URL, SECRET_KEY="bench-secret",
               WELFARE_INSTANCE=tempfile.mkdtemp(prefix="rounds-bench-"))
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{PORT}",
         "--log-level", "warning", "welfare:create_app()"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(240):
        try:
            requests.get(f"http://127.0.0.1:{PORT}/login", timeout=10)
            return server
        except requests.RequestException:
            time.sleep(0.5)
    server.kill()
    sys.exit("gunicorn did not start")


def clerk(base, round_id, entries, outcome, ready):
    session = requests.Session()
    token = TOKEN.search(session.get(f"{base}/login").text).group(1)
    session.post(f"{base}/login", data={"username": "staff", "password": PASSWORD,
                                        "csrf_token": token})
    token = TOKEN.search(session.get(f"{base}/rounds/{round_id}/counter").text).group(1)
    ok = failed = 0
    ready.wait()  # everyone signed in: time the recording only
    for entry_id in entries:
        response = session.post(f"{base}/rounds/{round_id}/entries/{entry_id}/paid",
                                data={"csrf_token": token}, allow_redirects=False)
        if response.status_code == 302 and response.headers["Location"].endswith("/counter"):
            ok += 1
        else:
            failed += 1
    outcome.append((ok, failed))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--payouts", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    round_id, entries = unpaid_entries(args.payouts)
    before = effective_count(round_id)
    server = start_server(args.workers)
    base = f"http://127.0.0.1:{PORT}"
    try:
        shares = [entries[i::args.clients] for i in range(args.clients)]
        outcome = []
        ready = threading.Barrier(args.clients + 1)
        threads = [threading.Thread(target=clerk, args=(base, round_id, share, outcome, ready))
                   for share in shares]
        for thread in threads:
            thread.start()
        ready.wait()
        started = time.perf_counter()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    ok = sum(o for o, _f in outcome)
    failed = sum(f for _o, f in outcome)
    recorded = effective_count(round_id) - before
    print(f"{ok:,} payouts by {args.clients} clients in {seconds:.1f} s = {ok / seconds:.0f}/s "
          f"(after sign-in; target >= 100/s); {failed} refused; {recorded:,} new rows in the "
          f"database; gunicorn -w {args.workers}")


if __name__ == "__main__":
    main()
