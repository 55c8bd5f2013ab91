"""POST /api/v1/visits through a real gunicorn on PostgreSQL: 20 concurrent clients.

    VISITS_BENCH_URL=postgresql+psycopg://postgres@127.0.0.1:5432/welfare_visits_bench \
        .venv/bin/python bench/visits_api.py [--clients 20] [--per-client 150]
        [--workers 2] [--worker-class gthread] [--threads 5]

Builds the bench database (bench/visits_board.py), starts gunicorn on 127.0.0.1 (a free
port), gives each client its own volunteer token, and has every client send its visits
(plus a replay of every tenth one, which must come back 200) over keep-alive connections
(sync workers close each connection). Afterwards it counts rows: every uuid stored
exactly once, nothing lost. Goal: >= 200 visits/s. Only loopback traffic; the run is
bounded by --per-client.

Default server: `-k gthread -w 2 --threads 5`, the setting recommended for a 2-core host
(one process per core, five requests in flight each: one per pooled connection, as
SQLAlchemy's pool keeps 5). `--worker-class sync --workers 4 --threads 1` is the older
`gunicorn -w 4`. CPU per request is read from /proc for the gunicorn processes and the
bench database's PostgreSQL backends, plus this client's own CPU; the machine line says
how busy the machine was and how much of that was this bench (other people's load slows
the rate, not the CPU per request).
"""

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import sqlalchemy as sa  # noqa: E402
from procstat import cpu_seconds, machine_cpu  # noqa: E402
from visits_board import PASSWORD, URL, build, make_app  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port, workers, worker_class="sync", threads=1):
    env = dict(os.environ, DATABASE_URL=URL, SECRET_KEY="bench",
               WELFARE_INSTANCE="/tmp/visits-bench")
    process = subprocess.Popen(
        [str(ROOT / ".venv/bin/gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "-k", worker_class, "--threads", str(threads),
         "--log-level", "warning", "welfare:create_app()"], cwd=ROOT, env=env)
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/api/v1/openapi.json")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("gunicorn did not start")


def sessions_opened(app):
    """Connections ever opened to the bench database (pool churn shows here)."""
    from welfare.extensions import db

    with app.app_context(), db.engine.connect() as conn:
        return conn.scalar(sa.text(
            "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"))


def call(conn, method, path, body=None, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(method, path, body=json.dumps(body) if body is not None else None,
                 headers=headers)
    response = conn.getresponse()
    return response.status, json.loads(response.read() or b"null")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--per-client", type=int, default=150)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="gthread", help="gunicorn -k: gthread or sync")
    parser.add_argument("--threads", type=int,
                        help="gunicorn --threads: 5 for gthread, 1 for sync (more would make "
                             "gunicorn switch a sync worker to gthread)")
    parser.add_argument("--elders", type=int, default=2000)
    args = parser.parse_args()
    if args.threads is None:
        args.threads = 5 if args.worker_class == "gthread" else 1
    app = make_app()
    build(app, args.elders, volunteers=args.clients)
    from welfare.extensions import db
    from welfare.visits.models import Assignment, Visit, Volunteer

    with app.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Visit))
        mine = {}
        for volunteer in db.session.scalars(sa.select(Volunteer)):
            mine[volunteer.user.username] = db.session.scalars(sa.select(Assignment.elder_id).where(
                Assignment.primary_id == volunteer.id)).all()
        db.session.remove()
    port = free_port()
    server = start_server(port, args.workers, args.worker_class, args.threads)
    results = {"201": 0, "200": 0, "other": []}
    sent = []
    lock = threading.Lock()
    try:
        tokens = {}
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for username in mine:
            status, body = call(conn, "POST", "/api/v1/auth/token",
                                {"username": username, "password": PASSWORD})
            assert status == 200, body
            tokens[username] = body["token"]
        barrier = threading.Barrier(args.clients + 1)

        def client(username):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elders = mine[username]
            barrier.wait()
            for n in range(args.per_client):
                payload = {"uuid": str(uuid.uuid4()), "elder_id": elders[n % len(elders)],
                           "kind": "phone_call", "outcome": "met_well", "notes": f"bench {n}",
                           "duration_minutes": 10,
                           "visited_at": (datetime.now(UTC) - timedelta(minutes=n)).isoformat()}
                for attempt in range(2 if n % 10 == 0 else 1):
                    status, body = call(conn, "POST", "/api/v1/visits", payload, tokens[username])
                    with lock:
                        if status == 201 and attempt == 0:
                            results["201"] += 1
                            sent.append(payload["uuid"])
                        elif status == 200 and attempt == 1:
                            results["200"] += 1
                        else:
                            results["other"].append((status, body))

        threads = [threading.Thread(target=client, args=(u,)) for u in list(mine)[:args.clients]]
        for t in threads:
            t.start()
        app_cpu = cpu_seconds("gunicorn", f"127.0.0.1:{port}")
        db_cpu = cpu_seconds("postgres:", "welfare_visits_bench")
        # walwriter, checkpointer...: shared with other databases, so counted apart.
        aux_cpu = cpu_seconds("postgres:", "writer")
        sessions = sessions_opened(app)
        machine, client_cpu = machine_cpu(), time.process_time()
        barrier.wait()
        started = time.perf_counter()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        client_cpu = time.process_time() - client_cpu
        machine = [after - before for after, before in zip(machine_cpu(), machine, strict=True)]
        app_cpu = cpu_seconds("gunicorn", f"127.0.0.1:{port}") - app_cpu
        db_cpu = cpu_seconds("postgres:", "welfare_visits_bench") - db_cpu
        aux_cpu = cpu_seconds("postgres:", "writer") - aux_cpu
        sessions = sessions_opened(app) - sessions
    finally:
        server.terminate()
        server.wait(timeout=30)
    with app.app_context():
        total = db.session.scalar(sa.select(sa.func.count()).select_from(Visit))
        distinct = db.session.scalar(sa.select(sa.func.count(sa.distinct(Visit.uuid))))
        stored = set(db.session.scalars(sa.select(Visit.uuid).where(Visit.notes.like("bench %"))))
    requests = results["201"] + results["200"] + len(results["other"])
    rate = results["201"] / elapsed
    print(f"{args.clients} clients, gunicorn -w {args.workers} -k {args.worker_class} "
          f"--threads {args.threads}: {results['201']} visits stored "
          f"+ {results['200']} replays in {elapsed:.1f} s = {rate:.0f} visits/s "
          f"({requests / elapsed:.0f} requests/s)")
    print(f"rows: {total - before} new, {total - distinct} duplicate uuids, "
          f"{len(set(sent) - stored)} lost, {len(results['other'])} unexpected answers "
          f"{results['other'][:3]}")
    ms = {name: value * 1000 / max(requests, 1) for name, value in (
        ("app", app_cpu), ("db", db_cpu), ("aux", aux_cpu), ("client", client_cpu))}
    print(f"CPU per request: {ms['app']:.2f} ms in gunicorn + {ms['db']:.2f} ms in PostgreSQL "
          f"= {ms['app'] + ms['db']:.2f} ms; + {ms['aux']:.2f} ms PostgreSQL writers "
          f"+ {ms['client']:.2f} ms this client = {sum(ms.values()):.2f} ms")
    ours = app_cpu + db_cpu + aux_cpu + client_cpu
    print(f"machine: {100 * machine[0] / machine[1]:.0f}% busy during the run, of which "
          f"{100 * ours / max(machine[0], 0.01):.0f}% this bench; load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {sessions} PostgreSQL "
          f"sessions opened during the run (approx.; the CPU of any that ended is missing)")
    ok = (results["201"] / elapsed >= 200 and total - before == len(sent) == len(stored)
          and total == distinct and not results["other"])
    print("PASS" if ok else "FAIL", "(goal: >= 200 visits/s, none lost or doubled)")


if __name__ == "__main__":
    main()
