"""Office edits through the unit of work: a stop's goods as form fields, vehicles, failures
rolled back and shown, doorstep refusals as problem bodies. Tests whose request fails commit
their setup first: the failed request's rollback would otherwise take it away too."""

import uuid

import pytest

from tests.conftest import login
from welfare.auth.models import AuditLog
from welfare.delivery import planning
from welfare.delivery.models import DeliveryOutcome, Vehicle
from welfare.delivery.rules import load_of


def _stop_data(stop, **goods):
    by_name = {i.name: i.id for i in stop.event.items}
    return {"phone": "07-1234567", "service_minutes": "8", "notes": "按電鈴兩次",
            **{f"goods-{by_name[name]}": str(qty) for name, qty in goods.items()}}


def test_stop_goods_are_form_fields(client, db, staff_user, event_with_stops):
    stop = event_with_stops.stops[0]
    item = stop.event.items[0]
    page = client.get(f"/delivery/stops/{stop.id}").get_data(as_text=True)
    assert f'name="goods-{item.id}"' in page and f'value="{stop.goods.get(item.name, 0)}"' in page
    response = client.post(f"/delivery/stops/{stop.id}", data=_stop_data(stop, **{item.name: 7}))
    assert response.status_code == 302
    assert stop.goods[item.name] == 7 and stop.notes == "按電鈴兩次" and stop.service_minutes == 8
    assert stop.load == load_of(stop.goods, stop.event.items) >= 7 * item.load_units


def test_bad_goods_and_window_are_refused_on_the_form(client, db, staff_user, event_with_stops):
    stop = event_with_stops.stops[0]
    item = stop.event.items[0]
    before = dict(stop.goods)
    db.session.commit()
    response = client.post(f"/delivery/stops/{stop.id}", data=_stop_data(stop, **{item.name: -3}))
    assert response.status_code == 200 and "error-summary" in response.get_data(as_text=True)
    assert stop.goods == before
    data = {**_stop_data(stop), "window_start": "15:00", "window_end": "09:00"}
    response = client.post(f"/delivery/stops/{stop.id}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="window_end-error"' in page
    db.session.refresh(stop)
    assert stop.window_end is None and stop.notes != "按電鈴兩次"


def test_supervisor_cannot_post_a_stop(client, as_role, event_with_stops):
    as_role("supervisor")
    stop = event_with_stops.stops[0]
    assert client.get(f"/delivery/stops/{stop.id}").status_code == 200
    assert client.post(f"/delivery/stops/{stop.id}", data=_stop_data(stop)).status_code == 403


def test_duplicate_goods_names_roll_back_the_edit(client, db, staff_user, event_with_stops):
    event = event_with_stops
    db.session.commit()
    data = {"name": "改名了", "event_date": "115/01/20", "service_minutes": "5",
            "items-0-name": "白米", "items-0-qty_small": "1", "items-0-load_units": "1",
            "items-1-name": "白米", "items-1-qty_small": "1", "items-1-load_units": "1"}
    response = client.post(f"/delivery/events/{event.id}/edit", data=data)
    assert response.status_code == 200 and "error-summary" in response.get_data(as_text=True)
    db.session.refresh(event)
    assert event.name == "測試送溫情"


def test_vehicle_form_checks_coordinates_and_saves(client, db, staff_user):
    data = {"name": "王役男", "user_id": "0", "vehicle_type": "van", "capacity": "30",
            "shift_start": "08:30", "shift_end": "16:00", "start_lat": "北緯22度",
            "active": "y"}
    response = client.post("/delivery/vehicles/new", data=data)
    assert response.status_code == 200 and 'id="start_lat-error"' in response.get_data(as_text=True)
    assert db.session.scalar(db.select(Vehicle).where(Vehicle.name == "王役男")) is None
    response = client.post("/delivery/vehicles/new", data={**data, "start_lat": "22.5071",
                                                            "start_lng": "120.39"})
    assert response.status_code == 302
    vehicle = db.session.scalar(db.select(Vehicle).where(Vehicle.name == "王役男"))
    assert (vehicle.start_lat, vehicle.start_lng, vehicle.end_lat) == (22.5071, 120.39, None)
    assert (vehicle.capacity, vehicle.user_id, vehicle.reloads) == (30, None, False)
    assert db.session.scalar(db.select(AuditLog).where(
        AuditLog.action == "delivery.create_vehicle", AuditLog.entity_id == vehicle.id))


def test_a_stop_with_a_report_stays_on_the_event(client, db, staff_user, event_with_stops):
    stop = event_with_stops.stops[0]
    stop.outcome = "delivered"
    db.session.commit()
    response = client.post(f"/delivery/stops/{stop.id}/remove", follow_redirects=True)
    assert "此站已有送達回報。" in response.get_data(as_text=True)
    assert stop in event_with_stops.stops


def test_moving_a_stop_goes_back_only_to_this_site(client, db, staff_user, event_with_stops,
                                                  make_vehicle):
    planning.optimise_event(event_with_stops, [make_vehicle(capacity=100)], actor=None, seconds=1)
    stop = event_with_stops.routes[0].stops[0]
    response = client.post(f"/delivery/stops/{stop.id}/move",
                           data={"route_id": "", "next": "//evil.example/x"})
    assert response.status_code == 302
    assert response.location.endswith(f"/delivery/events/{event_with_stops.id}")
    assert stop.route_id is None and stop.unserved_reason == "removed"


def _report(client, stop_id, key, outcome="delivered"):
    return client.post("/delivery/api/outcomes", json={
        "uuid": key, "stop_id": stop_id, "outcome": outcome, "recorded_at": "2026-01-20T02:15:00Z"})


@pytest.fixture
def reported(client, db, event_with_stops, make_vehicle, make_user):
    """A signed-in serviceman's stop with one report stored and committed: (stop, its uuid)."""
    man = make_user("serviceman")
    planning.optimise_event(event_with_stops, [make_vehicle(user=man, capacity=100)],
                            actor=None, seconds=1)
    stop = event_with_stops.routes[0].stops[0]
    login(client, man)
    key = str(uuid.uuid4())
    db.session.commit()
    assert _report(client, stop.id, key).status_code == 201
    return stop, key


def test_refused_reports_are_problem_bodies(client, db, reported):
    stop, key = reported
    conflict = _report(client, stop.id, key, outcome="refused")
    assert conflict.status_code == 409 and conflict.mimetype == "application/problem+json"
    assert conflict.json["status"] == 409 and conflict.json["detail"]
    assert [e["field"] for e in conflict.json["errors"]] == ["uuid"]
    missing = _report(client, 10**6, str(uuid.uuid4()))
    assert missing.status_code == 404 and missing.json["errors"][0]["field"] == "stop_id"
    not_json = client.post("/delivery/api/outcomes", data="uuid=1")
    assert not_json.status_code == 400 and not_json.json["detail"]
    assert db.session.scalar(db.select(db.func.count()).select_from(DeliveryOutcome)) == 1
    assert stop.outcome == "delivered"


def test_a_reused_identifier_on_the_plain_form_is_summarised(client, db, reported):
    stop, key = reported
    response = client.post(f"/delivery/my/stops/{stop.id}/outcome",
                           data={"uuid": key, "outcome": "not_home"})
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and 'class="error-summary"' in page
    assert "此回報識別碼已用於另一筆回報。" in page and 'href="#stop-form"' in page
    assert stop.outcome == "delivered"
    other = client.post("/delivery/my/stops/999999/outcome",
                        data={"uuid": str(uuid.uuid4()), "outcome": "delivered"})
    assert other.status_code == 404
