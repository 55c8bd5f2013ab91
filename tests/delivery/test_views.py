"""Delivery pages: who may see what, planning through the forms, sheets and the phone."""

import subprocess
import uuid

import pytest

from tests.delivery.conftest import DAY
from welfare.delivery import planning
from welfare.delivery.models import DeliveryEvent, DeliveryOutcome


@pytest.fixture
def planned(db, event_with_stops, make_vehicle, make_user):
    man = make_user("serviceman")
    other = make_user("serviceman")
    vehicles = [make_vehicle(user=man, capacity=100), make_vehicle(user=other, capacity=100)]
    planning.optimise_event(event_with_stops, vehicles, actor=None, seconds=1)
    mine = next(r for r in event_with_stops.routes if r.vehicle.user_id == man.id)
    theirs = next(r for r in event_with_stops.routes if r.vehicle.user_id == other.id)
    if not mine.stops or not theirs.stops:  # both routes need a stop for the denial tests
        planning.move_stop(
            (theirs.stops or mine.stops)[0], mine if not mine.stops else theirs, None
        )
    return event_with_stops, man, mine, theirs


@pytest.mark.parametrize("role", ["volunteer", "serviceman"])
def test_office_pages_refuse_volunteers_and_servicemen(client, as_role, role):
    as_role(role)
    assert client.get("/delivery/").status_code == 403
    assert client.get("/delivery/events/new").status_code == 403


@pytest.mark.parametrize("role", ["volunteer", "staff"])
def test_my_routes_is_for_servicemen(client, as_role, role):
    as_role(role)
    assert client.get("/delivery/my").status_code == 403


def test_supervisor_reads_but_cannot_plan(client, as_role, event_with_stops):
    as_role("supervisor")
    assert client.get(f"/delivery/events/{event_with_stops.id}").status_code == 200
    assert client.post(f"/delivery/events/{event_with_stops.id}/optimise").status_code == 403


def test_staff_plans_an_event_through_the_forms(
    client, db, staff_user, make_household, make_vehicle
):
    for _ in range(5):
        make_household("low", members=2)
    vehicle = make_vehicle()
    response = client.post(
        "/delivery/events/new",
        data={
            "name": "端午關懷",
            "event_date": "115/06/10",
            "service_minutes": "5",
            "items-0-name": "粽子",
            "items-0-unit": "串",
            "items-0-qty_small": "1",
            "items-0-qty_large": "2",
            "items-0-qty_elder": "1",
            "items-0-load_units": "1",
        },
    )
    assert response.status_code == 302, response.data.decode()
    event = db.session.scalar(db.select(DeliveryEvent).where(DeliveryEvent.name == "端午關懷"))
    assert [i.name for i in event.items] == ["粽子"]
    response = client.post(
        f"/delivery/events/{event.id}/recipients", data={"mode": "filter", "f-kinds": ["low"]}
    )
    assert response.status_code == 302
    assert len(event.stops) == 5
    response = client.post(
        f"/delivery/events/{event.id}/optimise", data={"o-vehicles": [vehicle.id]}
    )
    assert response.status_code == 302
    page = client.get(f"/delivery/events/{event.id}").get_data(as_text=True)
    assert "leaflet.js" in page and "unpkg" not in page and "cdn.jsdelivr" not in page
    assert page.count("map-pin") >= 5  # numbered markers in the overview
    route = event.routes[0]
    page = client.get(f"/delivery/routes/{route.id}").get_data(as_text=True)
    assert page.count("<li>") >= 5 and "draggable" in page


def test_event_form_errors_are_shown(client, staff_user):
    response = client.post("/delivery/events/new", data={"name": "", "event_date": "115/13/40"})
    assert response.status_code == 200
    assert "error-summary" in response.get_data(as_text=True)


def test_route_sheet_pdf_is_chinese(client, staff_user, planned, tmp_path):
    _event, _man, mine, _theirs = planned
    response = client.get(f"/delivery/routes/{mine.id}/sheet.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = tmp_path / "sheet.pdf"
    pdf.write_bytes(response.data)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "送貨路線單" in text and "簽收" in text and mine.stops[0].recipient_name in text
    assert client.get(f"/delivery/events/{mine.event_id}/sheets.pdf").status_code == 200


def test_dragged_marker_saves_the_position(client, staff_user, planned):
    stop = planned[2].stops[0]
    response = client.post(f"/delivery/stops/{stop.id}/position", json={"lat": 22.51, "lng": 120.4})
    assert response.status_code == 200
    assert (stop.lat, stop.lng, stop.approximate) == (22.51, 120.4, False)
    assert (
        client.post(f"/delivery/stops/{stop.id}/position", json={"lat": 40, "lng": 120}).status_code
        == 400
    )


def test_serviceman_sees_only_his_routes(client, planned):
    from tests.conftest import login

    _event, man, mine, theirs = planned
    login(client, man)
    page = client.get("/delivery/my").get_data(as_text=True)
    assert (
        f"/delivery/my/routes/{mine.id}" in page and f"/delivery/my/routes/{theirs.id}" not in page
    )
    page = client.get(f"/delivery/my/routes/{mine.id}").get_data(as_text=True)
    assert "tel:" in page and "geo:" in page and "outbox.js" in page
    assert client.get(f"/delivery/my/routes/{theirs.id}").status_code == 404
    assert client.get(f"/delivery/routes/{mine.id}").status_code == 403  # the office page
    response = client.post(
        "/delivery/api/outcomes",
        json={"uuid": str(uuid.uuid4()), "stop_id": theirs.stops[0].id, "outcome": "delivered"},
    )
    assert response.status_code == 404


def _report(client, stop, key, outcome="delivered", at="2026-01-20T02:15:00Z", **extra):
    return client.post(
        "/delivery/api/outcomes",
        json={"uuid": key, "stop_id": stop.id, "outcome": outcome, "recorded_at": at, **extra},
    )


def test_outcomes_are_idempotent_on_the_uuid(client, db, planned):
    from tests.conftest import login

    _event, man, mine, _theirs = planned
    login(client, man)
    stop = mine.stops[0]
    key = str(uuid.uuid4())
    first = _report(client, stop, key, lat=22.5, lng=120.39, accuracy_m=12)
    assert first.status_code == 201
    again = _report(client, stop, key, lat=22.5, lng=120.39, accuracy_m=12)
    assert again.status_code == 200 and again.json["id"] == first.json["id"]
    assert _report(client, stop, key, outcome="not_home").status_code == 409
    assert db.session.scalar(db.select(db.func.count()).select_from(DeliveryOutcome)) == 1
    assert stop.outcome == "delivered"
    assert _report(client, stop, str(uuid.uuid4()), outcome="bogus").status_code == 400


def test_outcome_with_photo_and_staff_board(client, db, planned, app, make_user):
    from tests.conftest import login

    event, man, mine, _theirs = planned
    login(client, man)
    photo = (
        "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAC"
        "hwGA60e6kgAAAABJRU5ErkJggg=="
    )
    key = str(uuid.uuid4())
    response = _report(
        client, mine.stops[0], key, outcome="not_home", photo=photo, lat=22.5, lng=120.4
    )
    assert response.status_code == 201
    assert client.get(f"/delivery/outcomes/{response.json['id']}/photo").status_code == 403
    row = db.session.scalar(db.select(DeliveryOutcome).where(DeliveryOutcome.uuid == key))
    assert row.photo == f"{key}.png"
    office = app.test_client()
    login(office, make_user("staff"))
    data = office.get(f"/delivery/events/{event.id}/board.json").json
    assert {"id": mine.stops[0].id, "outcome": "not_home"}.items() <= next(
        s for s in data["stops"] if s["id"] == mine.stops[0].id
    ).items()
    board = office.get(f"/delivery/events/{event.id}/board").get_data(as_text=True)
    assert f"/delivery/outcomes/{row.id}/photo" in board and "mlat=22.50000" in board
    with office.get(f"/delivery/outcomes/{row.id}/photo") as shown:
        assert shown.status_code == 200 and shown.data.startswith(b"\x89PNG")


def test_plain_form_outcome_without_javascript(client, db, planned):
    from tests.conftest import login

    _event, man, mine, _theirs = planned
    login(client, man)
    stop = mine.stops[0]
    key = str(uuid.uuid4())
    response = client.post(
        f"/delivery/my/stops/{stop.id}/outcome",
        data={"uuid": key, "outcome": "left_with_neighbour", "note": "隔壁王太太"},
    )
    assert response.status_code == 302
    again = client.post(
        f"/delivery/my/stops/{stop.id}/outcome",
        data={"uuid": key, "outcome": "left_with_neighbour", "note": "隔壁王太太"},
    )
    assert again.status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(DeliveryOutcome)) == 1
    assert stop.outcome == "left_with_neighbour"


def test_follow_up_and_move_through_views(client, db, staff_user, planned):
    event, _man, mine, theirs = planned
    stop = mine.stops[0]
    response = client.post(f"/delivery/stops/{stop.id}/move", data={"route_id": theirs.id})
    assert response.status_code == 302
    assert stop.route_id == theirs.id
    response = client.post(f"/delivery/events/{event.id}/follow-up")
    assert response.status_code == 302
    follow = db.session.scalar(
        db.select(DeliveryEvent).where(DeliveryEvent.follow_up_of_id == event.id)
    )
    assert len(follow.stops) == len(event.stops)
    assert follow.event_date == DAY


def test_large_event_is_optimised_in_the_background(client, staff_user, db, event_with_stops,
                                                     make_vehicle, monkeypatch):
    from welfare.delivery import views
    from welfare.jobs.models import Job

    monkeypatch.setattr(views, "BACKGROUND_OPTIMISE", 2)
    vehicle = make_vehicle()
    event = event_with_stops
    response = client.post(f"/delivery/events/{event.id}/optimise",
                           data={"o-vehicles": [vehicle.id]})
    assert response.status_code == 302 and "/jobs/" in response.location
    job = db.session.scalar(db.select(Job).where(Job.kind == "optimise_routes"))
    assert job.status == "done" and job.return_url.endswith(f"/delivery/events/{event.id}#routes")
    assert "Routes planned" in job.message or "路線" in job.message
    assert [r.vehicle_id for r in event.routes] == [vehicle.id]
    assert all(s.route_id == event.routes[0].id for s in event.stops if not s.unserved_reason)
    page = client.get(response.location).get_data(as_text=True)
    assert f"/delivery/events/{event.id}#routes" in page


def test_a_running_optimisation_is_not_started_twice(client, staff_user, db, event_with_stops,
                                                     make_vehicle, monkeypatch):
    from welfare.delivery import views
    from welfare.jobs.models import Job

    monkeypatch.setattr(views, "BACKGROUND_OPTIMISE", 2)
    vehicle = make_vehicle()
    event = event_with_stops
    running = Job(kind="optimise_routes", status="running", total=3, message="",
                  return_url=f"/delivery/events/{event.id}#routes", created_by_id=staff_user.id)
    db.session.add(running)
    db.session.flush()
    response = client.post(f"/delivery/events/{event.id}/optimise",
                           data={"o-vehicles": [vehicle.id]})
    assert response.status_code == 302 and response.location.endswith(f"/jobs/{running.id}")
    assert db.session.scalar(db.select(db.func.count(Job.id))) == 1
    assert not event.routes
