"""The route engine: CVRPLIB through the command line, and the app's own problems."""

import json
import time
from pathlib import Path

import numpy as np
import pyvrp

from welfare.delivery import solver
from welfare.delivery.cvrplib import check_solution, read_instance
from welfare.delivery.solver import Problem, VehicleSpec, build_data, solve, vehicle_groups

DATA = Path(__file__).resolve().parent.parent / "data" / "cvrplib"


def test_solve_vrp_command_on_a_n32_k5(app):
    path = DATA / "A-n32-k5.vrp"
    result = app.test_cli_runner().invoke(
        args=["delivery", "solve-vrp", str(path), "--seconds", "5", "--json"]
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    instance = read_instance(path)
    assert check_solution(instance, out["routes"]) == []
    served = sorted(n for r in out["routes"] for n in r)
    assert served == list(range(2, 33))  # node numbers as in the file, depot (1) left out
    assert 784 <= out["cost"] <= 784 * 1.01
    assert out["seconds"] <= 15


def test_solve_vrp_rejects_other_edge_weight_types(app, tmp_path):
    bad = tmp_path / "bad.vrp"
    bad.write_text(
        "NAME : bad\nEDGE_WEIGHT_TYPE : GEO\nCAPACITY : 10\nNODE_COORD_SECTION\n1 0 0\n"
        "DEMAND_SECTION\n1 0\nDEPOT_SECTION\n1\n-1\nEOF\n"
    )
    result = app.test_cli_runner().invoke(args=["delivery", "solve-vrp", str(bad)])
    assert result.exit_code != 0
    assert "EUC_2D" in result.output


def _line_problem(n, capacity, **kw):
    # Depot at 0, stops every 100 m along a line; seconds = metres.
    xs = np.arange(n + 1) * 100
    m = np.abs(xs[:, None] - xs[None, :]).astype(np.int64)
    return Problem(
        distances=m,
        durations=[m],
        place_count=1,
        demands=[1] * n,
        vehicles=[VehicleSpec(capacity=capacity, **kw)],
        optional=True,
        cost="duration",
    )


def test_max_stops_and_unserved():
    problem = _line_problem(6, capacity=10, max_stops=4)
    result = solve(problem, seconds=1)
    assert len(result.routes[0]) == 4
    assert len(result.unserved) == 2


def test_shift_window_limits_the_route():
    problem = _line_problem(6, capacity=10, shift_start=0, shift_end=700)
    result = solve(problem, seconds=1)
    # 700 s allows out to the third stop and back (300 + 300), not further.
    assert sorted(result.routes[0]) == [0, 1, 2]
    assert sorted(result.unserved) == [3, 4, 5]


def test_time_windows_set_the_order():
    problem = _line_problem(3, capacity=10)
    problem.windows = [(900, 1000), None, (0, 400)]  # stop 0 at 100 m late, stop 2 at 300 m early
    result = solve(problem, seconds=1)
    assert result.unserved == []
    assert result.routes[0].index(2) < result.routes[0].index(0)
    assert 900 <= result.arrivals[0][result.routes[0].index(0)] <= 1000


def test_reloads_let_a_small_vehicle_serve_everyone():
    problem = _line_problem(6, capacity=2, reload=True)
    result = solve(problem, seconds=1)
    assert result.unserved == []
    assert max(result.trips[0]) >= 2


def _square_problem(vehicles, n=40, seed=3):
    rng = np.random.default_rng(seed)
    points = np.vstack([[50, 50], rng.uniform(0, 100, size=(n, 2))])
    m = np.rint(np.sqrt(((points[:, None] - points[None]) ** 2).sum(axis=2)) * 10).astype(np.int64)
    return Problem(distances=m, durations=[m], place_count=1, demands=[1] * n,
                   vehicles=vehicles, service=[30] * n, optional=True, cost="duration")


def test_identical_vehicles_are_one_vehicle_type():
    same = [VehicleSpec(capacity=12, shift_start=0, shift_end=20000) for _ in range(3)]
    later = VehicleSpec(capacity=12, shift_start=3600, shift_end=20000)
    problem = _square_problem([same[0], later, same[1], same[2]])
    assert vehicle_groups(problem.vehicles) == [[0, 2, 3], [1]]
    data = build_data(problem)
    assert data.num_vehicle_types == 2
    assert [data.vehicle_type(k).num_available for k in range(2)] == [3, 1]
    result = solve(problem, seconds=1, processes=1)
    assert result.feasible and result.unserved == []
    served = [i for route in result.routes for i in route]
    assert sorted(served) == list(range(40))  # each stop on exactly one of the four vehicles
    assert all(len(route) <= 12 for route in result.routes)
    assert all(arrival >= 3600 for arrival in result.arrivals[1])  # the later shift kept


def test_two_processes_return_a_feasible_solution():
    problem = _square_problem([VehicleSpec(capacity=15) for _ in range(4)], n=50)
    helper = solver._helper()
    assert helper is not None and helper.alive()
    deadline = time.time() + 1
    assert helper.send(problem, deadline, 2, None)
    visits = helper.receive(10)
    data = build_data(problem)
    from_helper = pyvrp.Solution(data, solver._routes(data, visits))
    assert from_helper.is_feasible() and from_helper.num_clients() == 50

    started = time.perf_counter()
    result = solve(problem, seconds=1, seed=1, processes=2)
    assert time.perf_counter() - started < 4  # the helper stops at the same deadline
    assert result.feasible and result.unserved == []
    assert sorted(i for route in result.routes for i in route) == list(range(50))
    assert all(len(route) <= 15 for route in result.routes)
    assert solver._HELPER is helper and helper.alive()  # kept for the next solve
