"""Shared by the rounds benchmarks: an app on the rounds bench database, a fresh schema,
synthetic elders written with COPY, and the Linyuan demo."""

import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config import Config, normalise_database_url  # noqa: E402

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/welfare_rounds_bench"
BENCH_URL = normalise_database_url(os.environ.get("ROUNDS_BENCH_DATABASE_URL", DEFAULT_URL))
PASSWORD = "bench-pass-1"


def bench_app(url=BENCH_URL, **settings):
    from welfare import create_app

    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url

    for key, value in settings.items():
        setattr(BenchConfig, key, value)
    return create_app(BenchConfig)


def fresh_schema(app):
    """Drop everything and build the schema with the real migrations."""
    import flask_migrate
    import sqlalchemy as sa

    from welfare.extensions import db

    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        flask_migrate.upgrade()


def seed_demo(app, people):
    """The Linyuan demo (every domain) with this many residents."""
    from welfare.demo.cli import SeedContext, seed_all
    from welfare.extensions import db

    with app.app_context():
        ctx = SeedContext(rng=random.Random(832), today=date.today(), people=people,
                          password=PASSWORD, echo=lambda *a, **k: None)
        started = time.perf_counter()
        seed_all(ctx)
        db.session.commit()
        return time.perf_counter() - started


def _id_number(serial):
    from welfare.core.idno import WEIGHTS, _digits

    letter = "ABCDEFGHJKLMNPQRSTUVXYWZIO"[serial // 20_000_000 % 26]
    sex = "1" if serial // 10_000_000 % 2 == 0 else "2"
    body = f"{serial % 10_000_000:07d}"
    partial = _digits(letter + sex + body + "0")
    check = (10 - sum(d * w for d, w in zip(partial, WEIGHTS, strict=True)) % 10) % 10
    return letter + sex + body + str(check)


def copy_elders(app, count, young=0, start_serial=1_000_000):
    """COPY `count` people aged 65-104 (and `young` under 65) into every village."""
    import sqlalchemy as sa

    from welfare.extensions import db
    from welfare.geo.models import Village

    rng = random.Random(560)
    today = date.today()
    columns = ("id_number", "name", "sex", "birth_date", "indigenous", "phone", "mobile",
               "village_id", "neighbourhood", "address", "registered_on", "status", "notes",
               "created_at", "updated_at")
    with app.app_context():
        villages = list(db.session.scalars(sa.select(Village.id)))
        taken = set(db.session.scalars(sa.text("SELECT id_number FROM people")))
        raw = db.engine.raw_connection()
        try:
            cursor = raw.cursor()
            with cursor.copy(f"COPY people ({', '.join(columns)}) FROM STDIN") as copy:
                for index in range(count + young):
                    age = rng.randint(66, 104) if index < count else rng.randint(20, 63)
                    birth = date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
                    serial = start_serial + index
                    number = _id_number(serial)
                    while number in taken:
                        serial += 50_000_000
                        number = _id_number(serial)
                    copy.write_row((
                        number, f"長者{serial % 100000}", "MF"[serial % 2], birth,
                        False, "", "", rng.choice(villages), rng.randint(1, 30),
                        f"測試路{rng.randint(1, 999)}號", date(1990, 1, 1) - timedelta(
                            days=rng.randint(0, 9000)), "registered", "", today, today))
            raw.commit()
        finally:
            raw.close()
