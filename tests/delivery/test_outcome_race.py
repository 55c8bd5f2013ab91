"""The same doorstep report sent twice at once (a phone retrying) is stored once."""

import threading
import uuid
from datetime import date, time

import pytest

from tests.conftest import PASSWORD, login
from welfare.auth.models import User
from welfare.delivery.models import (
    DeliveryEvent,
    DeliveryOutcome,
    DeliveryRoute,
    DeliveryStop,
    Vehicle,
)
from welfare.geo.models import Village


@pytest.mark.postgres
def test_simultaneous_replays_store_one_outcome(app, committed_db):
    db = committed_db
    man = User(username="race-man", role="serviceman", display_name="役男")
    man.set_password(PASSWORD)
    village = db.session.scalar(db.select(Village))
    vehicle = Vehicle(name="役男", user=man, capacity=10, shift_start=time(9), shift_end=time(17))
    event = DeliveryEvent(name="race", event_date=date(2026, 1, 20), status="planned")
    route = DeliveryRoute(event=event, vehicle=vehicle)
    stop = DeliveryStop(
        event=event,
        route=route,
        kind="low",
        recipient_name="甲",
        village_id=village.id,
        lat=22.5,
        lng=120.39,
        sequence=1,
        goods={},
    )
    db.session.add_all([man, vehicle, event, route, stop])
    db.session.commit()
    payload = {
        "uuid": str(uuid.uuid4()),
        "stop_id": stop.id,
        "outcome": "delivered",
        "recorded_at": "2026-01-20T02:00:00Z",
    }
    clients = [app.test_client() for _ in range(6)]
    for c in clients:
        login(c, man)
    barrier = threading.Barrier(len(clients))
    statuses = []

    def send(c):
        barrier.wait()
        statuses.append(c.post("/delivery/api/outcomes", json=payload).status_code)

    threads = [threading.Thread(target=send, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200] * 5 + [201]
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(DeliveryOutcome)) == 1
