"""Payout benchmark: 20 concurrent clerks record "paid to the elder" against gunicorn on
PostgreSQL, each signed in with its own session and sending the CSRF token. Target >= 100
payouts per second.

    ROUNDS_BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/welfare_payout_bench \
        .venv/bin/python bench/rounds_payouts.py [--seed 25000] [--clients 20] [--payouts 2000]
        [--workers 4] [--worker-class sync|gthread] [--threads 1]
        [--mode post|browser] [--client http|requests] [--plumbing app|lean]

--mode post (default) times the recording: the one-tap form POST with its CSRF token, the
redirect checked but not followed. --mode browser also loads the counter page that the
redirect points to, as the clerk's phone does. --client http is a lean http.client client
(keep-alive, one cookie); requests costs more CPU on the 2 cores that the server shares.

--seed N builds a fresh schema with `demo seed --people N` when the database has no
approved Double Ninth round. Before each run, outcomes that earlier runs recorded at the
counter (source 'counter') in this round are deleted so that there are people to pay;
the demo's own outcomes stay. CPU is counted from /proc for the gunicorn processes, the
PostgreSQL backends of this database and this process (the clients)."""

import argparse
import http.client
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from urllib.parse import urlencode

import sqlalchemy as sa
from procstat import cpu_seconds, machine_cpu
from rounds_common import BENCH_URL, PASSWORD, ROOT, bench_app, fresh_schema, seed_demo

TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
PORT = 5105


def demo_round(app):
    from welfare.extensions import db
    from welfare.rounds.models import Round

    with app.app_context():
        return db.session.scalar(sa.select(Round.id).filter_by(festival="double_ninth",
                                                               status="approved"))


def reset_and_pick(app, round_id, limit):
    """Forget earlier bench outcomes, then the first `limit` people who can be paid."""
    from welfare.extensions import db
    from welfare.roster.models import Person
    from welfare.rounds.models import Payout, RoundEntry

    with app.app_context():
        gone = db.session.execute(sa.delete(Payout).where(Payout.round_id == round_id,
                                                          Payout.source == "counter")).rowcount
        db.session.commit()
        paid = sa.select(Payout.entry_id).where(Payout.round_id == round_id,
                                               Payout.reversed_at.is_(None))
        ids = db.session.scalars(
            sa.select(RoundEntry.id).join(Person, Person.id == RoundEntry.person_id)
            .where(RoundEntry.round_id == round_id, RoundEntry.id.not_in(paid),
                   RoundEntry.hold.is_(None), RoundEntry.batch == 0,
                   Person.status == "registered").order_by(RoundEntry.id).limit(limit)).all()
        db.session.remove()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE gift_payouts")
        return gone, ids


def effective_count(app, round_id):
    from welfare.extensions import db
    from welfare.rounds.models import Payout

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Payout.id)).where(
            Payout.round_id == round_id, Payout.reversed_at.is_(None)))


def start_server(args):
    app = "rounds_plumbing:create_app()" if args.plumbing == "lean" else "welfare:create_app()"
    env = dict(os.environ, DATABASE_URL=BENCH_URL, SECRET_KEY="bench-secret",
               WELFARE_INSTANCE=tempfile.mkdtemp(prefix="rounds-bench-"))
    command = [str(ROOT / ".venv/bin/gunicorn"), "-w", str(args.workers),
               "-k", args.worker_class, "--threads", str(args.threads),
               "-b", f"127.0.0.1:{PORT}", "--log-level", "warning",
               "--pythonpath", str(ROOT / "bench"), app]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    for _ in range(240):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
            conn.request("GET", "/login")
            conn.getresponse().read()
            return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    sys.exit("gunicorn did not start")


class HttpClerk:
    """A browser reduced to what the counter needs: one keep-alive connection, one cookie."""

    def __init__(self):
        self.conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        self.cookie = ""

    def send(self, method, path, form=None, headers=None):
        headers = dict(headers or {})
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookie:
            headers["Cookie"] = self.cookie
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        for value in response.headers.get_all("Set-Cookie") or ():
            if value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        return response.status, response.headers, data


class RequestsClerk:
    def __init__(self):
        import requests

        self.session = requests.Session()
        self.base = f"http://127.0.0.1:{PORT}"

    def send(self, method, path, form=None, headers=None):
        response = self.session.request(method, self.base + path, data=form, headers=headers,
                                        allow_redirects=False)
        return response.status_code, response.headers, response.content


def sign_in(clerk, round_id):
    """Sign in as staff and open the counter; return the CSRF token on its page."""
    _s, _h, page = clerk.send("GET", "/login")
    token = TOKEN.search(page.decode()).group(1)
    status, _h, _b = clerk.send("POST", "/login", form={"username": "staff", "password": PASSWORD,
                                                        "csrf_token": token})
    assert status == 302, status
    _s, _h, page = clerk.send("GET", f"/rounds/{round_id}/counter")
    return TOKEN.search(page.decode()).group(1)


def pay(clerk, mode, round_id, entry_id, token):
    path = f"/rounds/{round_id}/entries/{entry_id}/paid"
    status, headers, _b = clerk.send("POST", path, form={"csrf_token": token})
    location = headers.get("Location", "")
    ok = status == 302 and f"/rounds/{round_id}/counter" in location and "q=" not in location
    if mode == "browser":
        status, _h, page = clerk.send("GET", location[location.index("/rounds/"):])
        ok = ok and status == 200 and b"notice-success" in page
    return ok


def run_clerk(kind, mode, round_id, entries, outcome, ready):
    clerk = HttpClerk() if kind == "http" else RequestsClerk()
    token = sign_in(clerk, round_id)
    ok = failed = 0
    ready.wait()  # everyone signed in: time the recording only
    for entry_id in entries:
        if pay(clerk, mode, round_id, entry_id, token):
            ok += 1
        else:
            failed += 1
    outcome.append((ok, failed))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--payouts", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--worker-class", default="sync", choices=("sync", "gthread"))
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--mode", default="post", choices=("post", "browser"))
    parser.add_argument("--client", default="http", choices=("http", "requests"))
    parser.add_argument("--plumbing", default="app", choices=("app", "lean"),
                        help="lean: bench/rounds_plumbing.py, the app without the connection "
                             "pool's pre-ping")
    parser.add_argument("--seed", type=int, default=0,
                        help="build the demo with this many people if the round is missing")
    args = parser.parse_args()
    app = bench_app()
    round_id = demo_round(app)
    if round_id is None:
        if not args.seed:
            sys.exit("no approved Double Ninth round: pass --seed 25000 (wipes the database)")
        fresh_schema(app)
        print(f"demo seed ({args.seed} people): {seed_demo(app, args.seed):.1f} s")
        round_id = demo_round(app)
    gone, entries = reset_and_pick(app, round_id, args.payouts)
    if len(entries) < args.payouts:
        sys.exit(f"only {len(entries)} people left to pay: seed more people")
    before = effective_count(app, round_id)
    server = start_server(args)
    database = BENCH_URL.rsplit("/", 1)[1]
    try:
        shares = [entries[i::args.clients] for i in range(args.clients)]
        outcome = []
        ready = threading.Barrier(args.clients + 1)
        threads = [threading.Thread(target=run_clerk, args=(args.client, args.mode, round_id,
                                                            share, outcome, ready))
                   for share in shares]
        for thread in threads:
            thread.start()
        ready.wait()
        app_cpu = cpu_seconds("gunicorn", f"127.0.0.1:{PORT}")
        db_cpu = cpu_seconds("postgres:", database)
        client_cpu = time.process_time()
        busy = machine_cpu()[0]
        started = time.perf_counter()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - started
        client_cpu = time.process_time() - client_cpu
        busy = machine_cpu()[0] - busy
        app_cpu = cpu_seconds("gunicorn", f"127.0.0.1:{PORT}") - app_cpu
        db_cpu = cpu_seconds("postgres:", database) - db_cpu
        load = os.getloadavg()[0]
    finally:
        server.terminate()
        server.wait(timeout=30)
    ok = sum(o for o, _f in outcome)
    failed = sum(f for _o, f in outcome)
    recorded = effective_count(app, round_id) - before
    per = 1000 / max(ok + failed, 1)
    print(f"{ok:,} payouts by {args.clients} clients in {seconds:.1f} s = {ok / seconds:.0f}/s "
          f"(after sign-in; target >= 100/s); {failed} refused; {recorded:,} new effective "
          f"rows; {gone:,} earlier bench rows removed first")
    print(f"gunicorn -w {args.workers} -k {args.worker_class} --threads {args.threads}; "
          f"--mode {args.mode} --client {args.client} --plumbing {args.plumbing}")
    print(f"CPU per payout: {app_cpu * per:.1f} ms gunicorn + {db_cpu * per:.1f} ms PostgreSQL "
          f"+ {client_cpu * per:.1f} ms clients = {(app_cpu + db_cpu + client_cpu) * per:.1f} ms;"
          f" load average {load:.1f} at the end on {os.cpu_count()} cores")
    ours = app_cpu + db_cpu + client_cpu
    print(f"this bench used {ours / max(busy, 1e-9):.0%} of the CPU the machine spent during the "
          f"run ({busy / seconds:.2f} of {os.cpu_count()} cores busy); alone it could do about "
          f"{os.cpu_count() / max(ours / max(ok, 1), 1e-9):.0f}/s")
    good = ok / seconds >= 100 and failed == 0 and recorded == ok == len(entries)
    print("PASS" if good else "FAIL", "(>= 100 payouts/s, every one recorded once)")


if __name__ == "__main__":
    main()
