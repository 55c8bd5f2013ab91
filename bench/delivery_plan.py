"""A delivery planned end to end as the app does it: positions from the geocode cache,
travel matrix, solve, store the routes. Goal: 300 stops / 6 vehicles <= 10 s; 1,000 <= 60 s.

Run: .venv/bin/python bench/delivery_plan.py [--stops 300] [--vehicles 6]
Uses a throwaway SQLite database (or DATABASE_URL when given); no network."""

import argparse
import os
import random
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--stops", type=int, default=300)
    parser.add_argument("--vehicles", type=int, default=6)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    os.environ.setdefault("WELFARE_INSTANCE", tmp)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.db")
    os.environ["GEOCODER_PROVIDER"] = "fake"  # only reached on a cache miss; there are none

    from datetime import time as clock

    import sqlalchemy as sa

    from config import Config
    from welfare import create_app
    from welfare.delivery import planning, services
    from welfare.delivery.models import DeliveryStop, GeocodedAddress
    from welfare.delivery.rules import normalise_address
    from welfare.extensions import db
    from welfare.geo.models import Village
    from welfare.roster.reference import ensure_reference_data

    app = create_app(Config)
    rng = random.Random(5)
    with app.app_context():
        db.create_all()
        with db.engine.begin() as conn:
            ensure_reference_data(conn)
        villages = db.session.scalars(sa.select(Village)).all()
        vehicles = [
            services.save_vehicle(
                None,
                {
                    "name": f"役男{k}",
                    "vehicle_type": "van" if k == 0 else "scooter",
                    "capacity": 150 if k == 0 else 30,
                    "shift_start": clock(8, 30),
                    "shift_end": clock(17, 0),
                    "reloads": True,
                    "active": True,
                },
                actor=None,
            )
            for k in range(args.vehicles)
        ]
        event = services.create_event(
            {"name": "bench", "event_date": date(2026, 1, 20), "service_minutes": 3},
            [
                {
                    "name": "白米",
                    "unit": "包",
                    "qty_small": 1,
                    "qty_large": 2,
                    "qty_elder": 1,
                    "load_units": 2,
                }
            ],
            actor=None,
        )
        for i in range(args.stops):
            v = rng.choice(villages)
            address = f"測試路{i + 1}號"
            db.session.add(
                GeocodedAddress(
                    address_key=normalise_address(address),
                    source="geocoder",
                    lat=v.centroid_lat + rng.uniform(-0.004, 0.004),
                    lng=v.centroid_lng + rng.uniform(-0.004, 0.004),
                )
            )
            db.session.add(
                DeliveryStop(
                    event=event,
                    kind="low",
                    members=rng.randint(1, 5),
                    recipient_name=f"住戶{i}",
                    address=address,
                    village_id=v.id,
                    goods={"白米": 1},
                    load=2,
                )
            )
        db.session.commit()
        started = time.perf_counter()
        result = planning.optimise_event(event, vehicles, actor=None)
        db.session.commit()
        elapsed = time.perf_counter() - started
        approx = sum(1 for s in event.stops if s.approximate)
        print(
            f"{args.stops} stops, {args.vehicles} vehicles: {elapsed:.1f} s end to end, "
            f"{len(result.unserved)} unserved, {approx} approximate, "
            f"longest route {max(result.duration) / 3600:.1f} h, "
            f"stops per route {[len(r) for r in result.routes]}"
        )


if __name__ == "__main__":
    main()
