"""First page of people searches against the bench database, through a real HTTP server.

Starts gunicorn (2 workers) on 127.0.0.1, signs in as admin, and times GET /people for
names, ID numbers, phones, villages and address substrings drawn from the data; prints p50/p95/max per kind,
and beside them the time of the search queries alone (in-process, no HTTP or template).

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/welfare_bench \\
        .venv/bin/python bench/search.py [--requests 200] [--port 5102]
"""

import argparse
import os
import random
import re
import signal
import socket
import subprocess
import sys
import time

import requests
import sqlalchemy as sa
from roster_common import BENCH_URL, ROOT, bench_app, percentile


def samples(rng, count):
    """Search inputs per kind, drawn from the bench data."""
    engine = sa.create_engine(BENCH_URL)
    with engine.connect() as conn:
        conn.execute(sa.text("SELECT setseed(0.832)"))
        rows = conn.execute(sa.text(
            "SELECT name, id_number, phone, mobile, address FROM people TABLESAMPLE SYSTEM (2) "
            "REPEATABLE (832) WHERE merged_into_id IS NULL LIMIT :n"), {"n": count * 4}).all()
        villages = list(conn.scalars(sa.text("SELECT code FROM villages ORDER BY code")))
    engine.dispose()
    rng.shuffle(rows)
    phones = [r.mobile or r.phone for r in rows if r.mobile or r.phone]
    return {
        "list (no filter)": [{} for _ in range(count)],
        "name (surname + 1st given)": [{"q": r.name[:2]} for r in rows[:count]],
        "name (full)": [{"q": r.name} for r in rows[count:2 * count]],
        "id number (full)": [{"q": r.id_number} for r in rows[:count]],
        "id number (prefix 4-7)": [{"q": r.id_number[:rng.randint(4, 7)]}
                                   for r in rows[count:2 * count]],
        "phone (full)": [{"q": p} for p in phones[:count]],
        "phone (prefix 6-8)": [{"q": p[:rng.randint(6, 8)]} for p in phones[count:2 * count]],
        "village": [{"village": rng.choice(villages)} for _ in range(count)],
        "village + 65+": [{"village": rng.choice(villages), "category": "senior"}
                          for _ in range(count)],
        "surname only": [{"q": r.name[:1]} for r in rows[:count]],
        # Address substrings (trigram indexes): a house ("林園北路244號", a few households)
        # and a whole road ("林園北路", tens of thousands).
        "address (road + number)": [{"address": a} for a in _parts(rows, HOUSE)[:count]],
        "address (road)": [{"address": a} for a in _parts(rows, ROAD)[:count]],
    }


HOUSE = re.compile(r"^.*?\d+號")
ROAD = re.compile(r"^.*?(?:路|街|段)")


def _parts(rows, pattern):
    found = (pattern.match(r.address or "") for r in rows)
    return [m.group(0) for m in found if m]


def query_times(kinds):
    """Milliseconds of queries.search_people alone (items + capped count), per kind."""
    from welfare.extensions import db
    from welfare.roster import queries

    app = bench_app()
    times = {}
    with app.test_request_context():
        for kind, inputs in kinds.items():
            times[kind] = []
            for params in inputs:
                started = time.perf_counter()
                queries.search_people(params, None, 1, 25)
                times[kind].append((time.perf_counter() - started) * 1000)
                db.session.rollback()
    return times


def start_server(port):
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"port {port} is in use")
    env = dict(os.environ, DATABASE_URL=BENCH_URL, SECRET_KEY="bench",
               WELFARE_INSTANCE="/tmp/welfare-bench-instance")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "welfare:create_app()"],
        cwd=ROOT, env=env, start_new_session=True)
    for _ in range(100):
        if server.poll() is not None:
            raise SystemExit("the server stopped")
        try:
            requests.get(f"http://127.0.0.1:{port}/login", timeout=10)
            return server
        except requests.RequestException:
            time.sleep(0.5)
        except BaseException:
            stop_server(server)
            raise
    stop_server(server)
    raise SystemExit("the server did not start")


def stop_server(server):
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def sign_in(base, password):
    session = requests.Session()
    page = session.get(f"{base}/login").text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or \
        re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    response = session.post(f"{base}/login", data={
        "csrf_token": token.group(1), "username": "admin", "password": password},
        allow_redirects=False)
    if response.status_code != 302:
        raise SystemExit("could not sign in as admin (seed with bench/seed_1m.py first)")
    return session


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--port", type=int, default=5102)
    parser.add_argument("--password", default="bench-pass-1")
    args = parser.parse_args()
    rng = random.Random(832)
    kinds = samples(rng, args.requests)
    queried = query_times(kinds)
    server = start_server(args.port)
    base = f"http://127.0.0.1:{args.port}"
    try:
        session = sign_in(base, args.password)
        for params in kinds["name (full)"][:20]:  # warm both workers' pools and caches
            session.get(f"{base}/people", params=params)
        print(f"{'search':<28} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} "
              f"{'rows p50':>9} {'query p50':>10} {'query p95':>10}", flush=True)
        for kind, inputs in kinds.items():
            times, found = [], []
            for params in inputs:
                started = time.perf_counter()
                response = session.get(f"{base}/people", params=params)
                times.append((time.perf_counter() - started) * 1000)
                response.raise_for_status()
                match = re.search(r"([\d,]+)\+? (?:people found|人)", response.text)
                found.append(int(match.group(1).replace(",", "")) if match else -1)
            print(f"{kind:<28} {len(times):>4} {percentile(times, 0.5):8.1f} "
                  f"{percentile(times, 0.95):8.1f} {max(times):8.1f} "
                  f"{percentile(found, 0.5):>9,} {percentile(queried[kind], 0.5):10.1f} "
                  f"{percentile(queried[kind], 0.95):10.1f}", flush=True)
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
