"""Geocoding with the cache, optimising an event, moving stops, follow-ups."""

import sqlalchemy as sa

from welfare.delivery import planning, services
from welfare.delivery.models import DeliveryStop, GeocodedAddress


def test_geocoding_uses_cache_and_falls_back_to_centroid(db, event_with_stops, fake_geocoder):
    stops = list(event_with_stops.stops)
    approximate = planning.locate_stops(stops, budget_seconds=30)
    assert approximate == 1  # 查無此路 is not found
    missing = next(s for s in stops if "查無" in s.address)
    assert missing.approximate
    assert (missing.lat, missing.lng) == (
        missing.village.centroid_lat,
        missing.village.centroid_lng,
    )
    calls = fake_geocoder.calls
    assert calls == len({s.address for s in stops})
    # Second round: everything from the cache (the failure too), no new lookups.
    planning.locate_stops(stops, budget_seconds=30)
    assert fake_geocoder.calls == calls


def test_zero_budget_never_calls_the_provider(db, event_with_stops, fake_geocoder):
    approximate = planning.locate_stops(list(event_with_stops.stops), budget_seconds=0)
    assert fake_geocoder.calls == 0
    assert approximate == len(event_with_stops.stops)


def test_correction_is_kept_for_the_address(db, event_with_stops, make_user):
    staff = make_user("staff")
    stop = event_with_stops.stops[0]
    planning.locate_stops([stop], budget_seconds=5)
    services.correct_position(stop, 22.5, 120.39, actor=staff)
    row = db.session.scalar(sa.select(GeocodedAddress).where(GeocodedAddress.source == "manual"))
    assert (row.lat, row.lng) == (22.5, 120.39)
    stop.approximate = True
    planning.locate_stops([stop], budget_seconds=5)
    assert (stop.lat, stop.lng, stop.approximate) == (22.5, 120.39, False)


def test_optimise_puts_every_stop_on_a_route(db, event_with_stops, make_vehicle):
    vehicles = [make_vehicle(), make_vehicle(vehicle_type="van", capacity=60)]
    result = planning.optimise_event(event_with_stops, vehicles, actor=None, seconds=2)
    assert result.unserved == []
    stops = event_with_stops.stops
    assert all(s.route_id and s.sequence and s.eta for s in stops)
    for route in event_with_stops.routes:
        assert sum(s.load for s in route.stops) <= route.vehicle.capacity
        assert [s.sequence for s in route.stops] == list(range(1, len(route.stops) + 1))
        assert all(
            route.vehicle.shift_start <= s.eta <= route.vehicle.shift_end for s in route.stops
        )
    assert event_with_stops.status == "planned"


def test_unservable_stops_are_listed_with_a_reason(db, event_with_stops, make_vehicle):
    heavy = event_with_stops.stops[0]
    services.update_stop(heavy, {"goods": {"白米": 30}}, actor=None)
    result = planning.optimise_event(
        event_with_stops, [make_vehicle(capacity=20)], actor=None, seconds=1
    )
    assert heavy in [s for s in event_with_stops.stops if s.route_id is None]
    assert heavy.unserved_reason == "too_heavy"
    assert len(result.unserved) >= 1


def test_moving_a_stop_keeps_it_there_when_reoptimising(db, event_with_stops, make_vehicle):
    vehicles = [make_vehicle(), make_vehicle()]
    planning.optimise_event(event_with_stops, vehicles, actor=None, seconds=1)
    stop = event_with_stops.stops[0]
    target = next(r for r in event_with_stops.routes if r.id != stop.route_id)
    planning.move_stop(stop, target, actor=None)
    assert stop.route_id == target.id and stop.pinned
    planning.optimise_event(event_with_stops, vehicles, actor=None, seconds=1)
    db.session.refresh(stop)
    assert stop.route_id == target.id
    members = db.session.scalars(
        sa.select(DeliveryStop)
        .where(DeliveryStop.route_id == target.id)
        .order_by(DeliveryStop.sequence)
    ).all()
    assert [s.sequence for s in members] == list(range(1, len(members) + 1))


def test_follow_up_gathers_undelivered_stops(db, event_with_stops, make_vehicle):
    vehicle = make_vehicle(capacity=200)
    planning.optimise_event(event_with_stops, [vehicle], actor=None, seconds=1)
    stops = event_with_stops.stops
    stops[0].outcome, stops[1].outcome, stops[2].outcome = "delivered", "not_home", "refused"
    follow = services.create_follow_up(event_with_stops, actor=None)
    assert follow.follow_up_of_id == event_with_stops.id
    assert len(follow.stops) == len(stops) - 2  # delivered and refused are not tried again
    assert [i.name for i in follow.items] == [i.name for i in event_with_stops.items]
