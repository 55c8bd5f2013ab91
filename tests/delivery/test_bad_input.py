"""Doorstep reports with bad stop ids or a file that is not a photo: 4xx, never 5xx."""

import base64
import uuid

import pytest

from tests.conftest import login
from welfare.delivery import planning


@pytest.fixture
def my_stop(db, event_with_stops, make_vehicle, make_user):
    """(serviceman, a stop on his route)."""
    man = make_user("serviceman")
    planning.optimise_event(event_with_stops, [make_vehicle(user=man, capacity=100)],
                            actor=None, seconds=1)
    return man, event_with_stops.routes[0].stops[0]


def report(client, stop_id, **extra):
    return client.post("/delivery/api/outcomes", json={
        "uuid": str(uuid.uuid4()), "stop_id": stop_id, "outcome": "delivered",
        "recorded_at": "2026-01-20T02:15:00Z", **extra})


@pytest.mark.parametrize("stop_id", ["9" * 40, 2**31, -1, "abc", [1], {"a": 1}, 1.5, "", None])
def test_bad_stop_ids_are_no_stop(client, db, make_user, stop_id):
    login(client, make_user("serviceman"))
    assert report(client, stop_id).status_code == 404


@pytest.mark.parametrize("raw", [b"GIF89a" + bytes(40), b"not an image at all", b"%PDF-1.4"])
def test_a_file_that_is_not_a_photo_is_refused(client, db, my_stop, raw):
    man, stop = my_stop
    login(client, man)
    photo = "data:image/png;base64," + base64.b64encode(raw).decode()
    response = report(client, stop.id, photo=photo)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert [e["field"] for e in response.json["errors"]] == ["photo"]
