"""The office's shape, PyVRP (the app's engine) against VROOM, on the same matrix.

Clustered households around Linyuan's villages, haversine x 1.3 at 25 km/h, 09-17 shifts,
4 minutes per door, capacity with no reloads; cost = total travel seconds.
Run: .venv/bin/python bench/vrp_office.py [--stops 300] [--vehicles 6] [--seconds 10]"""

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from welfare.delivery.rules import haversine_matrix, road_estimate  # noqa: E402
from welfare.delivery.solver import Problem, VehicleSpec, solve  # noqa: E402

DEPOT = (22.5071324, 120.3949024)


def office_instance(stops, seed=7):
    """Households in ~20 clusters within ~4 km of the office."""
    rng = random.Random(seed)
    centres = [
        (DEPOT[0] + rng.uniform(-0.035, 0.035), DEPOT[1] + rng.uniform(-0.035, 0.035))
        for _ in range(20)
    ]
    points = [DEPOT]
    for _ in range(stops):
        c = rng.choice(centres)
        points.append((c[0] + rng.gauss(0, 0.003), c[1] + rng.gauss(0, 0.003)))
    metres = haversine_matrix([p[0] for p in points], [p[1] for p in points])
    _road, seconds = road_estimate(metres, 1.3, 25.0)
    demands = [rng.choice([3, 3, 4, 5]) for _ in range(stops)]
    return seconds, demands


def travel(matrix, routes):
    total = 0
    for r in routes:
        path = [0] + r + [0]
        total += int(sum(matrix[a, b] for a, b in zip(path, path[1:], strict=False)))
    return total


def run_pyvrp(matrix, demands, vehicles, capacity, seconds):
    problem = Problem(
        distances=matrix,
        durations=[matrix],
        place_count=1,
        demands=demands,
        vehicles=[VehicleSpec(capacity=capacity, shift_start=9 * 3600, shift_end=17 * 3600)]
        * vehicles,
        service=[240] * len(demands),
        optional=True,
        cost="duration",
    )
    started = time.perf_counter()
    result = solve(problem, seconds=seconds)
    routes = [[i + 1 for i in r] for r in result.routes]
    return travel(matrix, routes), len(result.unserved), time.perf_counter() - started


def run_vroom(matrix, demands, vehicles, capacity, level, timeout=None):
    from datetime import timedelta

    import vroom

    problem = vroom.Input()
    problem.set_durations_matrix(profile="car", matrix_input=matrix.tolist())
    for k in range(vehicles):
        problem.add_vehicle(
            vroom.Vehicle(
                id=k + 1,
                start=0,
                end=0,
                capacity=[capacity],
                time_window=vroom.TimeWindow(9 * 3600, 17 * 3600),
            )
        )
    for i, d in enumerate(demands, start=1):
        problem.add_job(vroom.Job(id=i, location=i, delivery=[d], default_service=240))
    started = time.perf_counter()
    kwargs = {"timeout": timedelta(seconds=timeout)} if timeout else {}
    solution = problem.solve(exploration_level=level, nb_threads=2, **kwargs)
    routes = []
    for _vid, group in solution.routes.groupby("vehicle_id"):
        routes.append([int(x) for x in group[group["type"] == "job"]["location_index"]])
    return travel(matrix, routes), int(solution.summary.unassigned), time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--stops", type=int, default=300)
    parser.add_argument("--vehicles", type=int, default=6)
    parser.add_argument("--capacity", type=int, default=220)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    matrix, demands = office_instance(args.stops)
    rows = {
        "pyvrp": run_pyvrp(matrix, demands, args.vehicles, args.capacity, args.seconds),
        "vroom_x5": run_vroom(matrix, demands, args.vehicles, args.capacity, 5),
        f"vroom_x5_{int(args.seconds)}s": run_vroom(
            matrix, demands, args.vehicles, args.capacity, 5, timeout=args.seconds
        ),
    }
    for name, (cost, unassigned, secs) in rows.items():
        print(
            json.dumps(
                {
                    "engine": name,
                    "stops": args.stops,
                    "vehicles": args.vehicles,
                    "travel_s": cost,
                    "unassigned": unassigned,
                    "seconds": round(secs, 1),
                }
            )
        )


if __name__ == "__main__":
    main()
