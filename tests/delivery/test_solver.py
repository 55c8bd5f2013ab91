"""The route engine: CVRPLIB through the command line, and the app's own problems."""

import json
from pathlib import Path

import numpy as np

from welfare.delivery.cvrplib import check_solution, read_instance
from welfare.delivery.solver import Problem, VehicleSpec, solve

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
