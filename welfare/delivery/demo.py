"""Demo: three servicemen and a planned year-end delivery to low-income households."""

from datetime import time

from welfare.auth.models import User
from welfare.delivery import planning, queries, services
from welfare.delivery.models import GeocodedAddress
from welfare.delivery.rules import normalise_address
from welfare.extensions import db

MAX_STOPS = 120  # three servicemen, one day
GOODS = [
    {"name": "白米", "unit": "包", "qty_small": 1, "qty_large": 2, "qty_elder": 1, "load_units": 2},
    {
        "name": "食用油",
        "unit": "瓶",
        "qty_small": 1,
        "qty_large": 1,
        "qty_elder": 1,
        "load_units": 1,
    },
    {
        "name": "年節禮盒",
        "unit": "盒",
        "qty_small": 1,
        "qty_large": 1,
        "qty_elder": 1,
        "load_units": 1,
    },
]
CREWS = [
    ("serviceman", "替代役男 張志豪", "0912-345-678", "van", "ABC-1234", 150),
    ("serviceman2", "替代役男 李建宏", "0922-456-789", "scooter", "MKA-5521", 24),
    ("serviceman3", "替代役男 黃冠宇", "0933-567-890", "scooter", "MKB-7310", 24),
]


def _servicemen(ctx):
    users = [ctx.users["serviceman"]]
    for username, name, *_rest in CREWS[1:]:
        user = User(username=username, role="serviceman", display_name=name)
        user.set_password(ctx.password)
        db.session.add(user)
        users.append(user)
    db.session.flush()
    return users


def seed(ctx):
    staff = ctx.users.get("staff")
    vehicles = []
    for user, (_u, name, phone, kind, plate, capacity) in zip(_servicemen(ctx), CREWS, strict=True):
        vehicles.append(
            services.save_vehicle(
                None,
                {
                    "name": name.replace("替代役男 ", ""),
                    "phone": phone,
                    "user_id": user.id,
                    "vehicle_type": kind,
                    "plate": plate,
                    "capacity": capacity,
                    "shift_start": time(8, 30),
                    "shift_end": time(17, 0),
                    "reloads": True,
                    "active": True,
                },
                actor=staff,
            )
        )
    event = services.create_event(
        {
            "name": f"{ctx.today.year - 1911}年歲末送溫情",
            "event_date": ctx.today,
            "service_minutes": 4,
            "notes": "年節前送達；不在家者請留聯絡單。",
        },
        GOODS,
        actor=staff,
    )
    found = queries.candidates(["low"], [], ctx.today)[:MAX_STOPS]
    services.add_recipients(event, found, actor=staff)
    _place_near_centroids(ctx, event)
    planning.optimise_event(event, vehicles, actor=staff, seconds=3 if len(found) > 40 else 1)
    ctx.echo(f"    delivery: {len(found)} stops on {len(vehicles)} routes")


def _place_near_centroids(ctx, event):
    """As if geocoded: village centroid plus a small deterministic offset, cached like a lookup."""
    seen = {}
    for stop in event.stops:
        key = normalise_address(stop.address)
        if key not in seen:
            seen[key] = (
                stop.village.centroid_lat + ctx.rng.uniform(-0.004, 0.004),
                stop.village.centroid_lng + ctx.rng.uniform(-0.004, 0.004),
            )
            db.session.add(
                GeocodedAddress(
                    address_key=key,
                    lat=seen[key][0],
                    lng=seen[key][1],
                    source="geocoder",
                    provider="demo",
                )
            )
        stop.lat, stop.lng = seen[key]
        stop.approximate = False
    db.session.flush()
