"""Optimising an event: stops and vehicles to routes, stored on the stops."""

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from welfare.auth import scope
from welfare.auth.models import utcnow
from welfare.delivery import geocoding
from welfare.delivery.models import DeliveryRoute, DeliveryStop
from welfare.delivery.rules import (
    normalise_address,
    seconds_of,
    time_of,
    unserved_reason,
)
from welfare.delivery.services import logged
from welfare.delivery.solver import Problem, VehicleSpec, solve, solve_balanced
from welfare.delivery.travel import matrices
from welfare.errors import ServiceError
from welfare.extensions import db


def depot(config):
    return (float(config["DEPOT_LAT"]), float(config["DEPOT_LNG"]))


def locate_stops(stops, budget_seconds=0.0, geocode=None):
    """Give every stop a position: cached or looked up within the budget, else its
    village centroid marked approximate. Returns how many are approximate."""
    pending = [s for s in stops if s.lat is None or s.approximate]
    found = geocoding.lookup_many(
        [(s.address, s.village.name_zh) for s in pending],
        budget_seconds=budget_seconds,
        geocode=geocode,
    )
    approximate = 0
    for stop in pending:
        point = found.get(normalise_address(stop.address))
        if point:
            stop.lat, stop.lng, stop.approximate = point[0], point[1], False
        else:
            stop.lat, stop.lng = stop.village.centroid_lat, stop.village.centroid_lng
            stop.approximate = True
            approximate += 1
    db.session.flush()
    return approximate


def _places(vehicles, config):
    """Distinct start/end places; the office first."""
    places = [depot(config)]
    index = {}
    for v in vehicles:
        for lat, lng, key in ((v.start_lat, v.start_lng, "start"), (v.end_lat, v.end_lng, "end")):
            point = (lat, lng) if lat is not None and lng is not None else places[0]
            if point not in places:
                places.append(point)
            index[(v.id, key)] = places.index(point)
    return places, index


def build_problem(event, stops, vehicles, config, fixed_load=None):
    """The solver's view of these stops on these vehicles (time in seconds from midnight)."""
    places, index = _places(vehicles, config)
    points = places + [(s.lat, s.lng) for s in stops]
    kinds = sorted({v.vehicle_type for v in vehicles})
    metres, durations, source = matrices(points, kinds, config)
    fixed_load = fixed_load or {}
    specs = []
    for v in vehicles:
        used_load, used_stops = fixed_load.get(v.id, (0, 0))
        limit = v.max_stops or event.max_stops
        specs.append(
            VehicleSpec(
                capacity=max(0, v.capacity - used_load),
                start=index[(v.id, "start")],
                end=index[(v.id, "end")],
                shift_start=seconds_of(v.shift_start),
                shift_end=seconds_of(v.shift_end),
                profile=kinds.index(v.vehicle_type),
                max_stops=max(0, limit - used_stops) if limit else None,
                reload=v.reloads,
            )
        )
    windows = [
        (
            seconds_of(s.window_start or v_min(vehicles, "shift_start")),
            seconds_of(s.window_end or v_max(vehicles, "shift_end")),
        )
        if (s.window_start or s.window_end)
        else None
        for s in stops
    ]
    problem = Problem(
        distances=metres,
        durations=[durations[k] for k in kinds],
        place_count=len(places),
        demands=[s.load for s in stops],
        vehicles=specs,
        service=[
            60 * (s.service_minutes if s.service_minutes is not None else event.service_minutes)
            for s in stops
        ],
        windows=windows,
        optional=True,
        cost="duration",
    )
    return problem, source


def v_min(vehicles, name):
    return min(getattr(v, name) for v in vehicles)


def v_max(vehicles, name):
    return max(getattr(v, name) for v in vehicles)


def solver_seconds(n_stops, config):
    """Search time: the setting, else 1.5 s plus 1 s per 70 stops, at most 40 s (measured in
    bench/delivery_plan.py: 300 stops in under 10 s end to end, 1,000 in under 60 s)."""
    fixed = float(config.get("DELIVERY_SOLVER_SECONDS") or 0)
    return fixed if fixed > 0 else min(40.0, 1.5 + n_stops / 70)


def _route_for(event, vehicle, position):
    route = next((r for r in event.routes if r.vehicle_id == vehicle.id), None)
    if route is None:
        route = DeliveryRoute(event=event, vehicle=vehicle)
        db.session.add(route)
    route.position = position
    return route


@scope.sees_everything
def optimise_event(event, vehicles, actor, seconds=None, on_progress=None):
    """Plan routes for the event on these vehicles; stops staff pinned stay on their route.
    on_progress(elapsed, seconds) is called about once a second during the search."""
    vehicles = [v for v in vehicles if v.active]
    if not vehicles:
        raise ServiceError(("vehicles", _("Choose at least one serviceman and vehicle.")))
    stops = [s for s in event.stops]
    if not stops:
        raise ServiceError(_("This event has no recipients yet."))
    config = current_app.config
    seconds = seconds or solver_seconds(len(stops), config)
    locate_stops(stops)
    chosen = {v.id for v in vehicles}
    for route in list(event.routes):
        if route.vehicle_id not in chosen:
            for stop in route.stops:
                stop.route_id, stop.pinned = None, False
            event.routes.remove(route)
    routes = {v.id: _route_for(event, v, i) for i, v in enumerate(vehicles)}
    db.session.flush()
    pinned = [s for s in stops if s.pinned and s.route_id]
    free = [s for s in stops if not (s.pinned and s.route_id)]
    fixed = {}
    by_route = {r.id: vid for vid, r in routes.items()}
    for s in pinned:
        load, count = fixed.get(by_route[s.route_id], (0, 0))
        fixed[by_route[s.route_id]] = (load + s.load, count + 1)
    problem, source = build_problem(event, free, vehicles, config, fixed)
    on_tick = (lambda elapsed: on_progress(elapsed, seconds)) if on_progress else None
    result = solve_balanced(problem, seconds=seconds, on_tick=on_tick)
    assignment = {v.id: [free[i] for i in result.routes[k]] for k, v in enumerate(vehicles)}
    for s in pinned:
        assignment[by_route[s.route_id]].append(s)
    for k, v in enumerate(vehicles):
        members = assignment[v.id]
        if any(s.pinned for s in members):
            _sequence_route(event, routes[v.id], members, config, max(1.0, seconds / 4))
        else:
            _store_sequence(
                routes[v.id],
                members,
                result.arrivals[k],
                result.distance[k],
                result.duration[k],
                result.trips[k],
            )
    _mark_unserved(event, free, result.unserved, vehicles, problem)
    event.status = "planned"
    event.optimised_at = utcnow()
    logged("optimise", actor, event, f"{len(stops)} stops, {len(vehicles)} vehicles, "
           f"{len(result.unserved)} unserved, {source}")
    return result


def _store_sequence(route, stops, arrivals, distance, duration, trips=()):
    for n, stop in enumerate(stops, start=1):
        stop.route_id, stop.sequence, stop.unserved_reason = route.id, n, ""
        stop.eta = time_of(arrivals[n - 1]) if n - 1 < len(arrivals) else None
        stop.trip = trips[n - 1] + 1 if n - 1 < len(trips) else 1
    route.distance_m, route.duration_s = int(distance), int(duration)


def _sequence_route(event, route, stops, config, seconds):
    """Best order for one route's stops (all required), e.g. after a manual move."""
    if not stops:
        _store_sequence(route, [], [], 0, 0)
        return
    vehicle = route.vehicle
    problem, _source = build_problem(event, stops, [vehicle], config)
    problem.optional = False
    if not vehicle.reloads:
        problem.vehicles[0].capacity = max(problem.vehicles[0].capacity, sum(s.load for s in stops))
    problem.vehicles[0].max_stops = None
    result = solve(problem, seconds=seconds)
    order = [stops[i] for i in result.routes[0]]
    _store_sequence(
        route, order, result.arrivals[0], result.distance[0], result.duration[0], result.trips[0]
    )


def _mark_unserved(event, free, unserved, vehicles, problem):
    lengths = [seconds_of(v.shift_end) - seconds_of(v.shift_start) for v in vehicles]
    shifts = [(seconds_of(v.shift_start), seconds_of(v.shift_end)) for v in vehicles]
    to_stop, back = problem.durations[0][0], problem.durations[0][:, 0]
    for i in unserved:
        stop, loc = free[i], problem.place_count + i
        window = (
            (seconds_of(stop.window_start), seconds_of(stop.window_end))
            if stop.window_start and stop.window_end
            else None
        )
        stop.unserved_reason = unserved_reason(
            stop.load,
            [v.capacity for v in vehicles],
            int(to_stop[loc] + back[loc]),
            problem.service[i],
            lengths,
            window,
            shifts,
        )
        stop.route_id = stop.sequence = stop.eta = stop.trip = None


def move_stop(stop, route, actor):
    """Put a stop on another route (or none) and keep it there; re-order both routes."""
    event = stop.event
    old = stop.route
    stop.route_id = route.id if route else None
    stop.pinned = route is not None
    stop.unserved_reason = ""
    db.session.flush()
    db.session.expire_all()
    config = current_app.config
    for r in {x for x in (old, route) if x is not None}:
        members = db.session.scalars(
            sa.select(DeliveryStop).where(DeliveryStop.route_id == r.id)
        ).all()
        _sequence_route(event, r, list(members), config, 1.0)
    if route is None:
        stop.sequence = stop.eta = None
        stop.unserved_reason = "removed"
    logged("move_stop", actor, stop,
           f"{stop.recipient_name} -> {route.vehicle.name if route else '-'}")
