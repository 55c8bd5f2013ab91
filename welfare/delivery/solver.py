"""The route optimiser: one place that turns stops and vehicles into routes.

PyVRP was chosen by measurement (bench/README.md, "Relief delivery"): on the
office's shape (hundreds of stops, few vehicles, shift windows) and on the X
set it came out ahead of VROOM at exploration level 5 in the same time.

Identical vehicles are one PyVRP vehicle type with a count. A second search with another
seed runs in a helper process (this file run as a script, so it loads numpy and PyVRP but
not the app) for the same time limit; the better solution is kept (bench/README.md).

This module imports nothing from the app: the helper runs it by path."""

import atexit
import dataclasses
import os
import pickle
import select
import subprocess
import sys
import threading
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
    for group in vehicle_groups(problem.vehicles):
        v = problem.vehicles[group[0]]
        capacity = [int(v.capacity)]
        if count_stops:
            capacity.append(int(v.max_stops or n_stops))
        types.append(
            pyvrp.VehicleType(
                num_available=len(group),
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


def vehicle_groups(vehicles):
    """Indexes of identical vehicles (same capacity, shift, places, profile, limits), in
    order of first appearance: each group is one PyVRP vehicle type with a count."""
    groups = {}
    for k, v in enumerate(vehicles):
        groups.setdefault(dataclasses.astuple(v), []).append(k)
    return list(groups.values())


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


def solve(problem, seconds=10.0, seed=1, initial=None, on_tick=None, tick_offset=0.0,
          processes=None):
    """Best routes found within `seconds`; stops it had to leave out are `unserved`.
    `processes` searches run side by side with seeds seed, seed + 1, ...: by default one per
    core, at most two; 1 searches in this process only. With EXCHANGES > 1 the time is cut
    into that many rounds, each starting both searches from the best so far."""
    started = time.time()
    # Both searches stop a little early: building, the helper's answer and the result fit
    # within `seconds`.
    end = started + seconds - min(0.5, 0.05 * seconds)
    helper = _helper() if _processes(processes) > 1 else None
    data = build_data(problem)
    visits = _visits(initial) if initial is not None else None
    ticker = [Ticker(on_tick, offset=tick_offset)] if on_tick else []
    for n in range(1, EXCHANGES + 1):
        deadline = started + (end - started) * n / EXCHANGES
        best, helper = _round(data, problem, deadline, seed + 2 * (n - 1), visits, ticker, helper)
        visits = _visits(best)
    return _result(problem, best)


EXCHANGES = 1  # rounds of two searches; measured in bench/vrp_office.py


def _round(data, problem, deadline, seed, visits, ticker, helper):
    """Both searches until the deadline from these visits; (the better solution, the helper
    if it is still usable)."""
    started = time.time()
    if helper is not None and not helper.send(problem, deadline, seed + 1, visits):
        helper = None
    try:
        best = _search(data, problem, max(0.0, deadline - time.time()), seed, visits, ticker)
    except BaseException:
        if helper is not None:
            helper.abandon()
        raise
    if helper is not None:
        # It stops at the same deadline (or earlier); an answer much later than that is not
        # waited for (0.1 s after a 1 s search, 1 s after 9 s or more).
        grace = min(1.0, 0.1 + 0.1 * (deadline - started))
        other = helper.receive(max(0.0, deadline - time.time()) + grace)
        if other is None:
            return best, helper
        other = pyvrp.Solution(data, _routes(data, other))
        if _objective(other) < _objective(best):
            best = other
    return best, helper


def _processes(processes):
    if processes is not None:
        return processes
    return min(2, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


def _search(data, problem, seconds, seed, initial_visits=None, extra_criteria=()):
    # Small instances converge long before the limit; stop after a quiet spell.
    patience = max(20000, 200 * len(problem.demands))
    stop = MultipleCriteria([MaxRuntime(seconds), NoImprovement(patience), *extra_criteria])
    initial = pyvrp.Solution(data, _routes(data, initial_visits)) if initial_visits else None
    outcome = pyvrp.solve(data, stop=stop, seed=seed, display=False, collect_stats=False,
                          initial_solution=initial, **solve_params())
    return outcome.best


# PyVRP's parameters by name, e.g. {"num_neighbours": 40}; measured in bench/vrp_office.py:
# a late-acceptance history of 100 (PyVRP's default 300) settles a 10 s search on 200-400
# stops sooner (worst case +0.47% against PyVRP given 60 s, was +2.0%; bench/README.md).
PARAMS = {"history_length": 100}


def solve_params():
    if not PARAMS:
        return {}
    from pyvrp import IteratedLocalSearchParams, PenaltyParams, SolveParams
    from pyvrp.search import NeighbourhoodParams, PerturbationParams

    groups = {IteratedLocalSearchParams: {}, PenaltyParams: {}, NeighbourhoodParams: {},
              PerturbationParams: {}}
    for name, value in PARAMS.items():
        kind = next(k for k in groups if name in _fields(k))
        groups[kind][name] = value
    made = {k: k(**v) for k, v in groups.items()}
    return {"params": SolveParams(
        ils=made[IteratedLocalSearchParams], penalty=made[PenaltyParams],
        neighbourhood=made[NeighbourhoodParams], perturbation=made[PerturbationParams])}


def _fields(kind):
    return kind.__dataclass_fields__ if dataclasses.is_dataclass(kind) else dir(kind)


def _objective(solution):
    """PyVRP's objective (travel cost, overtime, prizes left uncollected); infeasible last."""
    if not solution.is_feasible():
        return float("inf")
    return pyvrp.CostEvaluator([], 0, 0).cost(solution)


def _visits(solution):
    """A solution as plain data another process can rebuild: (vehicle type, visits)."""
    return [
        (route.vehicle_type(), [pyvrp.Activity(a.type, a.idx) for a in route.schedule()[1:-1]])
        for route in solution.routes()
    ]


def _routes(data, visits):
    return [pyvrp.Route(data, steps, vehicle_type) for vehicle_type, steps in visits]


def _result(problem, best):
    n_stops = len(problem.demands)
    groups = vehicle_groups(problem.vehicles)
    free = [list(group) for group in groups]  # vehicles of each type not yet given a route
    routes = [[] for _ in problem.vehicles]
    arrivals = [[] for _ in problem.vehicles]
    trips = [[] for _ in problem.vehicles]
    distance = [0] * len(problem.vehicles)
    duration = [0] * len(problem.vehicles)
    served = set()
    for route in best.routes():
        k = free[route.vehicle_type()].pop(0)
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


class _Helper:
    """A process running this file as a script: it reads (problem, deadline, seed, initial
    visits, PARAMS) as a pickle on stdin, searches until the deadline and writes the best visits
    back. It loads numpy and PyVRP only, stays up between solves and ends when its stdin
    closes (this process ending, however it ends)."""

    def __init__(self):
        self.pid = os.getpid()
        self.lock = threading.Lock()
        self.late = 0  # answers still to come for searches this process stopped waiting for
        self.process = subprocess.Popen(
            [sys.executable, os.path.abspath(__file__), "--helper"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, close_fds=True,
        )

    def alive(self):
        return self.pid == os.getpid() and self.process.poll() is None

    def send(self, problem, deadline, seed, initial_visits):
        if not self.lock.acquire(blocking=False):  # another thread is using it: search alone
            return False
        try:
            while self.late:  # past its deadline: it answers within moments, or is stuck
                if not select.select([self.process.stdout], [], [], 2.0)[0]:
                    raise OSError("the helper did not answer")
                pickle.load(self.process.stdout)
                self.late -= 1
            request = (dataclasses.asdict(problem), deadline, seed, initial_visits, PARAMS)
            pickle.dump(request, self.process.stdin, protocol=5)
            self.process.stdin.flush()
            return True
        except (OSError, EOFError, pickle.UnpicklingError):
            self.abandon()
            return False

    def receive(self, timeout):
        """The helper's visits, or None if they are not there within `timeout` seconds
        (still starting up on a busy machine, say: the answer is read and dropped later)."""
        try:
            if not select.select([self.process.stdout], [], [], timeout)[0]:
                self.late += 1
                return None
            return pickle.load(self.process.stdout)
        except (OSError, EOFError, pickle.UnpicklingError):
            self.stop()
            return None
        finally:
            self.lock.release()

    def abandon(self):
        self.stop()
        self.lock.release()

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


_HELPER = None


def _helper():
    global _HELPER
    if _HELPER is None or not _HELPER.alive():
        try:
            _HELPER = _Helper()
        except OSError:
            return None
    return _HELPER


@atexit.register
def _close_helper():
    if _HELPER is not None and _HELPER.pid == os.getpid() and _HELPER.process.stdin:
        _HELPER.process.stdin.close()


def _helper_main():
    out, sys.stdout = sys.stdout.buffer, sys.stderr
    while True:
        try:
            plain, deadline, seed, initial_visits, params = pickle.load(sys.stdin.buffer)
        except EOFError:
            return
        PARAMS.clear()
        PARAMS.update(params)
        vehicles = [VehicleSpec(**v) for v in plain.pop("vehicles")]
        problem = Problem(vehicles=vehicles, **plain)
        data = build_data(problem)
        best = _search(data, problem, max(0.0, deadline - time.time()), seed, initial_visits)
        try:
            pickle.dump(_visits(best), out, protocol=5)
            out.flush()
        except BrokenPipeError:  # the parent has gone
            return


if __name__ == "__main__" and sys.argv[1:] == ["--helper"]:
    _helper_main()
