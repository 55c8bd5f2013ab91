"""A long day: 20 counter clerks recording payouts, 50 phones syncing visits and staff
browsing lists and the dashboard, for 10 minutes on gunicorn (gunicorn.conf.py) with
PostgreSQL and Redis (and an RQ worker for the background recounts).

    .venv/bin/python bench/soak.py [--minutes 10] [--clerks 20] [--phones 50] [--staff 5]
        [--people 25000] [--workers 2] [--threads 5] [--reseed]

SOAK_DATABASE_URL (default postgresql+psycopg://postgres@127.0.0.1:5432/welfare_soak) is
created and seeded with the Linyuan demo when it has no approved Double Ninth round (or with
--reseed); the payouts that earlier soaks recorded at the counter are deleted first.
SOAK_REDIS_URL defaults to redis://127.0.0.1:6379/5 (flushed). Clients pace themselves as
people do (a clerk every 5-10 s, a phone every 10-20 s, staff every 3-6 s), so the load is the
same from the first minute to the last. Reports the 5xx count, p95 per minute (first and
last minute) and every gunicorn worker's memory (RSS) over time; goals: 0 server errors,
last-minute p95 within 20 % of the first minute's, worker memory growth under 10 %."""

import argparse
import http.client
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import sqlalchemy as sa  # noqa: E402
from procstat import machine_cpu  # noqa: E402
from rounds_common import PASSWORD, bench_app, fresh_schema, seed_demo  # noqa: E402

from config import normalise_database_url  # noqa: E402

URL = normalise_database_url(os.environ.get(
    "SOAK_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/welfare_soak"))
REDIS_URL = os.environ.get("SOAK_REDIS_URL", "redis://127.0.0.1:6379/5")
ERRORS = []  # requests that got no answer at all, with why
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def ensure_database():
    url = sa.engine.make_url(URL)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if not conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                           {"n": url.database}):
            conn.execute(sa.text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()


def prepare(app, people, reseed, phone_count):
    """(round id, entry ids to pay, {token: elder ids}) on a seeded database."""
    from welfare.extensions import db
    from welfare.rounds.models import Payout, Round, RoundEntry
    from welfare.visits import tokens
    from welfare.visits.models import Assignment, Volunteer

    def approved():
        with app.app_context():
            if not sa.inspect(db.engine).has_table("gift_rounds"):
                return None
            found = db.session.scalar(sa.select(Round.id).filter_by(
                festival="double_ninth", status="approved"))
            db.session.remove()
            return found

    if reseed or approved() is None:
        fresh_schema(app)
        print(f"demo seed ({people:,} people): {seed_demo(app, people):.0f} s", flush=True)
    round_id = approved()
    with app.app_context():
        db.session.execute(sa.delete(Payout).where(Payout.round_id == round_id,
                                                   Payout.source == "counter"))
        paid = sa.select(Payout.entry_id).where(Payout.round_id == round_id,
                                               Payout.reversed_at.is_(None))
        entries = db.session.scalars(sa.select(RoundEntry.id).where(
            RoundEntry.round_id == round_id, RoundEntry.id.not_in(paid),
            RoundEntry.hold.is_(None), RoundEntry.batch == 0).order_by(RoundEntry.id)).all()
        teams = []
        for volunteer in db.session.scalars(sa.select(Volunteer).where(Volunteer.active)
                                            .order_by(Volunteer.id)):
            elders = db.session.scalars(sa.select(Assignment.elder_id).where(
                Assignment.primary_id == volunteer.id)).all()
            if elders:
                teams.append((volunteer.user, elders))
        phones = {}
        for n in range(phone_count):
            user, elders = teams[n % len(teams)]
            phones[tokens.issue_token(user, 14)] = elders
        db.session.commit()
        db.session.remove()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    return round_id, entries, phones


class Browser:
    """One keep-alive connection and one session cookie."""

    def __init__(self, port):
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""
        self.errors = ERRORS

    def send(self, method, path, form=None, json_body=None, headers=None):
        headers = dict(headers or {})
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if json_body is not None:
            body = json.dumps(json_body)
            headers["Content-Type"] = "application/json"
        if self.cookie:
            headers["Cookie"] = self.cookie
        # gunicorn closes a keep-alive connection idle for 2 s; like a browser, send the
        # request again once on a new connection when the old one was closed under it.
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (OSError, http.client.HTTPException) as exc:
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                stale = isinstance(exc, (http.client.RemoteDisconnected, BrokenPipeError,
                                         ConnectionResetError))
                if attempt == 2 or not stale:
                    self.errors.append(repr(exc))
                    return 0, {}, b""
        for value in response.headers.get_all("Set-Cookie") or ():
            if value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        return response.status, response.headers, data

    def sign_in(self, username):
        _s, _h, page = self.send("GET", "/login")
        token = TOKEN.search(page.decode()).group(1)
        status, _h, _b = self.send("POST", "/login", form={
            "username": username, "password": PASSWORD, "csrf_token": token})
        assert status == 302, status


class Log:
    def __init__(self, started):
        self.started, self.rows, self.lock = started, [], threading.Lock()

    def timed(self, kind, call):
        begun = time.monotonic()
        status = call()[0]
        with self.lock:
            self.rows.append((begun - self.started, kind, status, time.monotonic() - begun))
        return status


def clerk(port, round_id, entries, log, stop, rng, ready):
    browser = Browser(port)
    browser.sign_in("staff")
    counter = f"/rounds/{round_id}/counter"
    _s, _h, page = browser.send("GET", counter)
    token = TOKEN.search(page.decode()).group(1)
    ready.wait()
    entries = list(entries)
    while not stop.wait(rng.uniform(5, 10)):
        if entries:
            entry = entries.pop()
            log.timed("payout", lambda e=entry: browser.send(
                "POST", f"/rounds/{round_id}/entries/{e}/paid", form={"csrf_token": token}))
        log.timed("counter", lambda: browser.send("GET", counter))


def phone(port, token, elders, log, stop, rng, ready):
    browser = Browser(port)
    auth = {"Authorization": f"Bearer {token}"}
    ready.wait()
    while not stop.wait(rng.uniform(10, 20)):
        body = {"uuid": str(uuid.uuid4()), "elder_id": rng.choice(elders),
                "kind": "phone_call", "outcome": "met_well", "notes": "soak",
                "duration_minutes": 10,
                "visited_at": (datetime.now(UTC) - timedelta(minutes=5)).isoformat()}
        log.timed("sync", lambda b=body: browser.send("POST", "/api/v1/visits", json_body=b,
                                                       headers=auth))
        if rng.random() < 0.2:  # the app refreshes its list of elders now and then
            log.timed("elders", lambda: browser.send("GET", "/api/v1/elders", headers=auth))


def staff(port, round_id, log, stop, rng, ready):
    browser = Browser(port)
    browser.sign_in("admin")
    ready.wait()
    pages = ["/", "/people", "/people?page=7", "/households", "/visits/", "/visits/alerts",
             "/reports", f"/rounds/{round_id}", f"/rounds/{round_id}/counter?q=%E7%8E%8B"]
    while not stop.wait(rng.uniform(3, 6)):
        page = rng.choice(pages)
        log.timed("dashboard" if page == "/reports" else "list",
                  lambda p=page: browser.send("GET", p))


def rss_kb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def children(pid):
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[1]) == pid:
                found.append(int(entry))
    return sorted(found)


def sample_memory(master, worker, samples, stop, started):
    while True:
        row = {f"gunicorn {pid}": rss_kb(pid) for pid in children(master)}
        row["rq worker"] = rss_kb(worker)
        samples.append((time.monotonic() - started, row))
        if stop.wait(10):
            return


def p95(values):
    values = sorted(values)
    return values[min(len(values) - 1, int(0.95 * len(values)))] if values else float("nan")


def report(rows, samples, minutes, busy_share):
    by_minute = defaultdict(list)
    for at, kind, status, seconds in rows:
        by_minute[min(int(at // 60), minutes - 1)].append((kind, status, seconds))
    errors = sum(1 for _a, _k, status, _s in rows if status >= 500 or status == 0)
    kinds = sorted({kind for _a, kind, _s, _t in rows})
    print(f"\n{len(rows):,} requests in {minutes} min; 5xx or no answer: {errors}")
    print("| minute | requests | p95 all (ms) | " + " | ".join(f"p95 {k}" for k in kinds) + " |")
    print("|---|---|---|" + "---|" * len(kinds))
    for minute in range(minutes):
        got = by_minute.get(minute, [])
        cells = [f"{1000 * p95([s for k, _st, s in got if k == kind]):.0f}" for kind in kinds]
        print(f"| {minute + 1} | {len(got):,} | {1000 * p95([s for _k, _st, s in got]):.0f} | "
              + " | ".join(cells) + " |")
    first = p95([s for _k, _st, s in by_minute.get(0, [])])
    last = p95([s for _k, _st, s in by_minute.get(minutes - 1, [])])
    print(f"p95 first minute {1000 * first:.0f} ms, last minute {1000 * last:.0f} ms: "
          f"{100 * (last / first - 1):+.0f} %")
    statuses = defaultdict(int)
    for _a, kind, status, _s in rows:
        statuses[(kind, status)] += 1
    print("answers:", ", ".join(f"{k} {s} x{n}" for (k, s), n in sorted(statuses.items())))
    names = sorted({name for _t, row in samples for name in row})
    print("\n| t (s) | " + " | ".join(f"{n} RSS (MB)" for n in names) + " |")
    print("|---|" + "---|" * len(names))
    for at, row in samples[::6] + ([samples[-1]] if (len(samples) - 1) % 6 else []):
        print(f"| {at:.0f} | " + " | ".join(
            f"{row[n] / 1024:.0f}" if row.get(n) else "-" for n in names) + " |")
    growth = {}
    warm = next((row for at, row in samples if at >= 60), samples[0][1])
    for name in names:
        start, end = warm.get(name), samples[-1][1].get(name)
        if start and end:
            growth[name] = 100 * (end / start - 1)
    print("memory growth from the end of minute 1 to the end: "
          + ", ".join(f"{n} {g:+.1f} %" for n, g in growth.items()))
    print(f"machine: {busy_share:.0%} of both cores busy on average (this bench and anyone "
          "else's work)")
    ok = (errors == 0 and last <= 1.2 * first
          and all(g < 10 for n, g in growth.items() if n.startswith("gunicorn")))
    print("PASS" if ok else "FAIL", "(0 server errors, last-minute p95 within 20 % of the "
          "first, gunicorn worker memory growth under 10 %)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=int, default=10)
    parser.add_argument("--clerks", type=int, default=20)
    parser.add_argument("--phones", type=int, default=50)
    parser.add_argument("--staff", type=int, default=5)
    parser.add_argument("--people", type=int, default=25000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=5)
    parser.add_argument("--port", type=int, default=5066)
    parser.add_argument("--reseed", action="store_true")
    args = parser.parse_args()
    ensure_database()
    app = bench_app(URL)
    round_id, entries, phones = prepare(app, args.people, args.reseed, args.phones)
    print(f"{len(entries):,} people to pay, {len(phones)} phones", flush=True)
    import redis

    redis.from_url(REDIS_URL).flushdb()
    instance = tempfile.mkdtemp(prefix="soak-")
    env = dict(os.environ, DATABASE_URL=URL, REDIS_URL=REDIS_URL, SECRET_KEY="soak-secret",
               WELFARE_INSTANCE=instance, GUNICORN_BIND=f"127.0.0.1:{args.port}",
               GUNICORN_WORKERS=str(args.workers), GUNICORN_THREADS=str(args.threads))
    bin_dir = ROOT / ".venv" / "bin"
    server = subprocess.Popen([str(bin_dir / "gunicorn"), "-c", "gunicorn.conf.py",
                               "--log-level", "warning", "welfare:create_app()"], cwd=ROOT,
                              env=env, stdout=subprocess.DEVNULL,
                              stderr=open(Path(instance) / "gunicorn.log", "w"))
    worker = subprocess.Popen([str(bin_dir / "rq"), "worker", "--url", REDIS_URL, "--quiet",
                               "welfare"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        for _ in range(240):
            if Browser(args.port).send("GET", "/login")[0] == 200:
                break
            time.sleep(0.5)
        ERRORS.clear()  # refusals while gunicorn was starting
        stop = threading.Event()
        log, samples = Log(0), []
        rng = random.Random(18)
        shares = [entries[i::args.clerks] for i in range(args.clerks)]
        ready = threading.Barrier(args.clerks + len(phones) + args.staff + 1)
        threads = [threading.Thread(target=clerk, args=(args.port, round_id, share, log, stop,
                                                        random.Random(rng.random()), ready))
                   for share in shares]
        threads += [threading.Thread(target=phone, args=(args.port, token, elders, log, stop,
                                                         random.Random(rng.random()), ready))
                    for token, elders in phones.items()]
        threads += [threading.Thread(target=staff, args=(args.port, round_id, log, stop,
                                                         random.Random(rng.random()), ready))
                    for _ in range(args.staff)]
        for thread in threads:
            thread.start()
        ready.wait(timeout=300)  # everyone signed in: the clock starts
        log.started = started = time.monotonic()
        busy, total = machine_cpu()
        sampler = threading.Thread(target=sample_memory,
                                   args=(server.pid, worker.pid, samples, stop, started))
        sampler.start()
        time.sleep(args.minutes * 60)
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
        sampler.join(timeout=30)
        busy_after, total_after = machine_cpu()
    finally:
        server.send_signal(signal.SIGTERM)
        worker.send_signal(signal.SIGTERM)
        server.wait(timeout=90)
        worker.wait(timeout=90)
    report([r for r in log.rows if r[0] < args.minutes * 60], samples, args.minutes,
           (busy_after - busy) / max(total_after - total, 1e-9))
    print(f"no answer at all: {len(ERRORS)} {sorted(set(ERRORS))[:5]}")
    print(f"gunicorn log: {Path(instance) / 'gunicorn.log'}")


if __name__ == "__main__":
    main()
