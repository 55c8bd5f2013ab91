"""The route optimiser: one place that turns stops and vehicles into routes.

PyVRP was chosen by measurement (bench/README.md, "Relief delivery"): on the
office's shape (hundreds of stops, few vehicles, shift windows) and on the X
set it came out ahead of VROOM at exploration level 5 in the same time."""

import time
from dataclasses import dataclass, field

import numpy as np
import pyvrp
from pyvrp.stop import MaxRuntime, MultipleCriteria, NoImprovement

BIG = 2**40


@dataclass
class VehicleSpec:
    """One vehicle: capacity, shift (seconds from midnight), locations, profile."""

    capacity: int
    start: int = 0  # location index of the start place
    end: int = 0
    shift_start: int = 0
    shift_end: int = BIG
    profile: int = 0
    max_stops: int | None = None
    soft_duration: int | None = None  # working time beyond this costs extra (sharing work out)
    reload: bool = False  # may come back to the office (location 0) to load again


@dataclass
class Problem:
    """Locations 0..n-1 (depots/places first, then one per stop), matrices per profile."""

    distances: np.ndarray  # metres (or CVRPLIB units), shared by all profiles
    durations: list  # one seconds matrix per profile
    place_count: int  # locations before the first stop: depots, start/end places
    demands: list
    vehicles: list
    service: list = field(default_factory=list)
    windows: list = field(default_factory=list)  # (early, late) or None per stop
    optional: bool = False  # may drop stops (with a prize) instead of failing
    cost: str = "distance"  # "distance" or "duration"


@dataclass
class Result:
    routes: list  # per vehicle: stop indexes (0-based, in visiting order)
    unserved: list
    cost: int
    feasible: bool
    arrivals: list  # per vehicle: arrival seconds per stop
    trips: list  # per vehicle: trip number (0-based) per stop
    distance: list
    duration: list
    solution: object = None  # PyVRP's Solution, to start a later solve from


def build_data(problem):
    """PyVRP ProblemData; a second load dimension counts stops when a vehicle has a maximum."""
    n_stops = len(problem.demands)
    count_stops = any(v.max_stops for v in problem.vehicles)
    coords = [pyvrp.Location(x=0, y=0) for _ in range(problem.place_count + n_stops)]
    depots = [pyvrp.Depot(location=i) for i in range(problem.place_count)]
    max_travel = int(
        problem.durations[0].max() if problem.cost == "duration" else problem.distances.max()
    )
    prize = max(1, max_travel) * 20
    clients = []
    for i, demand in enumerate(problem.demands):
        early, late = problem.windows[i] if problem.windows and problem.windows[i] else (0, BIG)
        clients.append(
            pyvrp.Client(
                location=problem.place_count + i,
                delivery=[int(demand), 1] if count_stops else [int(demand)],
                service_duration=int(problem.service[i]) if problem.service else 0,
                tw_early=int(early),
                tw_late=int(late),
                required=not problem.optional,
                prize=prize if problem.optional else 0,
            )
        )
    types = []
    for v in problem.vehicles:
        capacity = [int(v.capacity)]
        if count_stops:
            capacity.append(int(v.max_stops or n_stops))
        types.append(
            pyvrp.VehicleType(
                num_available=1,
                capacity=capacity,
                start_depot=v.start,
                end_depot=v.end,
                tw_early=int(v.shift_start),
                tw_late=int(v.shift_end),
                profile=v.profile,
                unit_distance_cost=1 if problem.cost == "distance" else 0,
                unit_duration_cost=1 if problem.cost == "duration" else 0,
                reload_depots=[0] if v.reload else [],
                **_soft_shift(v),
            )
        )
    dist = np.ascontiguousarray(problem.distances, dtype=np.int64)
    durations = [np.ascontiguousarray(d, dtype=np.int64) for d in problem.durations]
    return pyvrp.ProblemData(coords, clients, depots, types, [dist] * len(durations), durations)


OVERTIME_COST = 3  # per second beyond an even share: sharing out beats a slightly shorter total


def _soft_shift(v):
    if v.soft_duration is None:
        return {}
    hard = max(v.soft_duration, min(v.shift_end - v.shift_start, BIG // 4))
    return {
        "shift_duration": int(v.soft_duration),
        "max_overtime": int(hard - v.soft_duration),
        "unit_overtime_cost": OVERTIME_COST,
    }


class Ticker:
    """A stopping criterion that never stops the search but calls on_tick(elapsed) about
    once a second, so a background job can move its progress bar while PyVRP searches."""

    def __init__(self, on_tick, every=1.0, offset=0.0):
        self.on_tick, self.every, self.offset = on_tick, every, offset
        self.start = self.last = time.perf_counter()

    def __call__(self, best_cost):
        now = time.perf_counter()
        if now - self.last >= self.every:
            self.last = now
            self.on_tick(self.offset + now - self.start)
        return False


def solve_balanced(problem, seconds=10.0, seed=1, slack=1.1, on_tick=None):
    """Solve, then again from that solution with working time beyond an even share of the
    work made costly, so one vehicle does not do everything while others idle.
    on_tick(elapsed seconds) is called about once a second while searching."""
    first = solve(problem, seconds=seconds * 0.4, seed=seed, on_tick=on_tick)
    if len(problem.vehicles) < 2 or not any(first.duration):
        return first
    share = int(slack * sum(first.duration) / len(problem.vehicles))
    for v in problem.vehicles:
        v.soft_duration = share
    try:
        second = solve(problem, seconds=seconds * 0.6, seed=seed, initial=first.solution,
                       on_tick=on_tick, tick_offset=seconds * 0.4)
    finally:
        for v in problem.vehicles:
            v.soft_duration = None
    return second if len(second.unserved) <= len(first.unserved) else first


def solve(problem, seconds=10.0, seed=1, initial=None, on_tick=None, tick_offset=0.0):
    """Best routes found within `seconds`; stops it had to leave out are `unserved`."""
    data = build_data(problem)
    n_stops = len(problem.demands)
    # Small instances converge long before the limit; stop after a quiet spell.
    patience = max(20000, 200 * n_stops)
    criteria = [MaxRuntime(seconds), NoImprovement(patience)]
    if on_tick is not None:
        criteria.append(Ticker(on_tick, offset=tick_offset))
    stop = MultipleCriteria(criteria)
    if initial is not None:
        initial = pyvrp.Solution(data, [_as_route(data, r) for r in initial.routes()])
    outcome = pyvrp.solve(
        data, stop=stop, seed=seed, display=False, collect_stats=False, initial_solution=initial
    )
    best = outcome.best
    routes = [[] for _ in problem.vehicles]
    arrivals = [[] for _ in problem.vehicles]
    trips = [[] for _ in problem.vehicles]
    distance = [0] * len(problem.vehicles)
    duration = [0] * len(problem.vehicles)
    served = set()
    for route in best.routes():
        k = route.vehicle_type()
        clients = [a for a in route.schedule() if a.is_client()]
        routes[k] = [a.idx for a in clients]
        served.update(routes[k])
        arrivals[k] = [int(a.start_time) for a in clients]
        trips[k] = [int(a.trip) for a in clients]
        distance[k] = int(route.distance())
        duration[k] = int(route.duration())
    unserved = [i for i in range(n_stops) if i not in served]
    cost = int(best.distance() if problem.cost == "distance" else best.duration())
    return Result(
        routes, unserved, cost, best.is_feasible(), arrivals, trips, distance, duration, best
    )


def _as_route(data, route):
    """The same visits (trips included) as a route of the new problem data."""
    steps = route.schedule()[1:-1]  # without the start and end depot
    return pyvrp.Route(data, [pyvrp.Activity(a.type, a.idx) for a in steps], route.vehicle_type())
