"""In-process profile of POST /api/v1/visits: CPU and SQL statements per request.

    VISITS_BENCH_URL=postgresql+psycopg://postgres@127.0.0.1:5432/welfare_visits_bench \
        .venv/bin/python bench/visits_profile.py [--posts 400] [--build] [--cprofile 25]

Calls the WSGI app directly (no HTTP, no gunicorn) with a volunteer's bearer token, so the
numbers are the app's own per-request cost: process CPU per POST (this process also runs
nothing else), SQL statements per POST, and with --cprofile the top functions by
cumulative CPU time. --build recreates the bench database first (bench/visits_board.py).
"""

import argparse
import cProfile
import io
import json
import pstats
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import sqlalchemy as sa  # noqa: E402
from visits_board import build, make_app  # noqa: E402


def post(app, token, body):
    raw = json.dumps(body).encode()
    environ = {
        "REQUEST_METHOD": "POST", "PATH_INFO": "/api/v1/visits", "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1", "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(raw)), "HTTP_AUTHORIZATION": f"Bearer {token}",
        "HTTP_HOST": "127.0.0.1:8000", "wsgi.input": io.BytesIO(raw), "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True,
        "wsgi.run_once": False, "wsgi.version": (1, 0),
    }
    status = []
    chunks = app(environ, lambda s, h, exc_info=None: status.append(s))
    body = b"".join(chunks)
    if hasattr(chunks, "close"):
        chunks.close()
    return int(status[0].split()[0]), body


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=400)
    parser.add_argument("--build", action="store_true")
    parser.add_argument("--elders", type=int, default=2000)
    parser.add_argument("--cprofile", type=int, default=0, help="show this many functions")
    parser.add_argument("--outcome", default="met_well")
    parser.add_argument("--sort", default="cumulative", help="cProfile order: cumulative, tottime")
    args = parser.parse_args()
    app = make_app()
    if args.build:
        build(app, args.elders, volunteers=20)
    from welfare.extensions import db
    from welfare.visits import tokens
    from welfare.visits.models import Assignment, Volunteer

    with app.app_context():
        volunteer = db.session.scalar(sa.select(Volunteer).order_by(Volunteer.id))
        elders = db.session.scalars(sa.select(Assignment.elder_id).where(
            Assignment.primary_id == volunteer.id)).all()
        token = tokens.issue_token(volunteer.user, 1)
        db.session.commit()
        db.session.remove()
    statements = []
    sa.event.listen(sa.engine.Engine, "before_cursor_execute",
                    lambda *a, **k: statements.append(a[2]))

    def body(n):
        return {"uuid": str(uuid.uuid4()), "elder_id": elders[n % len(elders)], "kind":
                "phone_call", "outcome": args.outcome, "notes": f"profile {n}",
                "duration_minutes": 10,
                "visited_at": (datetime.now(UTC) - timedelta(minutes=n)).isoformat()}

    for n in range(20):  # warm-up: imports, compiled statement cache, pool
        assert post(app, token, body(n))[0] == 201
    bodies = [body(n) for n in range(args.posts)]
    statements.clear()
    profiler = cProfile.Profile(time.process_time) if args.cprofile else None
    cpu, wall = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    codes = {}
    for n, data in enumerate(bodies):
        code = post(app, token, data)[0]
        codes[code] = codes.get(code, 0) + 1
        if n % 10 == 0:
            code = post(app, token, data)[0]
            codes[f"replay {code}"] = codes.get(f"replay {code}", 0) + 1
    if profiler:
        profiler.disable()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    requests = sum(codes.values())
    print(f"{requests} requests {codes}: {cpu * 1000 / requests:.2f} ms CPU and "
          f"{wall * 1000 / requests:.2f} ms wall per request, "
          f"{len(statements) / requests:.1f} SQL statements per request")
    seen = {}
    for sql in statements:
        key = " ".join(sql.split())[:110]
        seen[key] = seen.get(key, 0) + 1
    for key, count in sorted(seen.items(), key=lambda kv: -kv[1])[:15]:
        print(f"  {count:5d}  {key}")
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(args.sort).print_stats(args.cprofile)
        print(out.getvalue())


if __name__ == "__main__":
    main()
