"""Due and overdue board over 5,000 isolated elders: server time of GET /visits/.

    psql -h 127.0.0.1 -U postgres -c 'create database welfare_visits_bench'
    VISITS_BENCH_URL=postgresql+psycopg://postgres@127.0.0.1:5432/welfare_visits_bench \
        .venv/bin/python bench/visits_board.py [--elders 5000] [--runs 20]

Builds its own schema and data (people, elders with levels 1-4, ~12 visits each over four
months, assignments), then times the whole request in-process: query, schedule for every
elder, sort, render. Goal: median <= 300 ms.
"""

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from config import Config, normalise_database_url  # noqa: E402

URL = normalise_database_url(os.environ.get(
    "VISITS_BENCH_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/welfare_visits_bench"))
PASSWORD = "bench-pass-1"


def make_app(url=URL):
    from welfare import create_app

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url
        WTF_CSRF_ENABLED = False

    return create_app(BenchConfig)


def build(app, elders, volunteers=20, seed=5):
    """A fresh schema with `elders` isolated elders, their visits and `volunteers` volunteers."""
    from welfare.auth.models import User
    from welfare.core import idno
    from welfare.extensions import db
    from welfare.geo.models import Village
    from welfare.roster.models import IsolatedElder, Person
    from welfare.roster.reference import ensure_reference_data
    from welfare.visits import rules
    from welfare.visits.models import Assignment, Visit, Volunteer

    rng = random.Random(seed)
    with app.app_context():
        db.drop_all()
        db.create_all()
        with db.engine.begin() as conn:
            ensure_reference_data(conn)
        villages = db.session.scalars(sa.select(Village.id)).all()
        staff = User(username="staff", role="staff", display_name="staff")
        staff.set_password(PASSWORD)
        db.session.add(staff)
        users = []
        for n in range(volunteers):
            user = User(username=f"v{n:02d}", role="volunteer", display_name=f"v{n}",
                        password_hash=staff.password_hash)
            users.append(user)
        db.session.add_all(users)
        db.session.flush()
        team = [Volunteer(user=u, name=u.display_name) for u in users]
        db.session.add_all(team)
        db.session.flush()
        seen, people = set(), []
        while len(people) < elders:
            number = idno.generate(sex=rng.choice("MF"), rng=rng)
            if number in seen:
                continue
            seen.add(number)
            people.append({"id_number": number, "name": f"長者{len(people)}", "sex": "F",
                           "birth_date": date(1935 + rng.randint(0, 25), 1, 1),
                           "village_id": rng.choice(villages), "address": "林園北路1號",
                           "status": "registered", "phone": "", "mobile": "", "notes": "",
                           "indigenous": False, "created_at": datetime.now(),
                           "updated_at": datetime.now()})
        db.session.execute(sa.insert(Person), people)
        ids = db.session.scalars(sa.select(Person.id).order_by(Person.id)).all()
        db.session.execute(sa.insert(IsolatedElder), [
            {"person_id": pid, "care_level": rng.choices((1, 2, 3, 4), (2, 4, 3, 2))[0],
             "active": True, "created_at": datetime.now() - timedelta(days=200),
             "assessor": "", "living_situation": "", "health_notes": "", "sensitive_notes": "",
             "inactive_reason": ""} for pid in ids])
        elder_rows = db.session.execute(sa.select(IsolatedElder.id, IsolatedElder.care_level)
                                        ).all()
        db.session.execute(sa.insert(Assignment), [
            {"elder_id": eid, "primary_id": team[i % len(team)].id,
             "backup_id": team[(i + 1) % len(team)].id, "assigned_at": datetime.now()}
            for i, (eid, _level) in enumerate(elder_rows)])
        visits, today = [], date.today()
        for i, (eid, level) in enumerate(elder_rows):
            interval = rules.default_rule(level).interval_days
            day = today - timedelta(days=120 - rng.randint(0, min(interval, 120) - 1))
            lapse = rng.randint(3, 30) if rng.random() < 0.2 else 0
            while day <= today - timedelta(days=lapse):
                visits.append({
                    "uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                    "content_hash": "bench", "elder_id": eid,
                    "volunteer_id": team[i % len(team)].id, "recorded_by_id": staff.id,
                    "kind": rng.choice(("home_visit", "phone_call", "care_point")),
                    "outcome": rng.choices(("met_well", "no_answer"), (9, 1))[0],
                    "visited_at": datetime.combine(day, datetime.min.time()) + timedelta(hours=2),
                    "duration_minutes": 30, "notes": "", "referral": False,
                    "created_at": datetime.now()})
                day += timedelta(days=max(2, interval + rng.randint(-3, 2)))
        for start in range(0, len(visits), 10000):
            db.session.execute(sa.insert(Visit), visits[start:start + 10000])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("VACUUM ANALYZE"))
        return len(elder_rows), len(visits)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--elders", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    app = make_app()
    started = time.perf_counter()
    elders, visits = build(app, args.elders)
    print(f"built {elders} elders, {visits} visits in {time.perf_counter() - started:.1f} s "
          f"on {app.config['SQLALCHEMY_DATABASE_URI'].split('@')[-1]}")
    client = app.test_client()
    response = client.post("/login", data={"username": "staff", "password": PASSWORD})
    assert response.status_code == 302, "could not sign in"
    timings = {}
    for label, path in (("board, everyone", "/visits/?status=all"),
                        ("board, due and overdue", "/visits/"),
                        ("board, level 4 overdue", "/visits/?status=late&level=4")):
        client.get(path)  # warm-up
        times = []
        for _ in range(args.runs):
            begin = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - begin) * 1000)
            assert response.status_code == 200
        timings[label] = times
        print(f"{label:<26} median {statistics.median(times):6.1f} ms   "
              f"max {max(times):6.1f} ms   ({args.runs} runs)")
    worst = max(statistics.median(t) for t in timings.values())
    print("PASS" if worst <= 300 else "FAIL", f"(goal: median <= 300 ms; worst {worst:.1f} ms)")


if __name__ == "__main__":
    main()
