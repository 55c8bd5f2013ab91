"""The office's shape: the app's 10 s solve against plain PyVRP given 60 s.

Instances from fixed seeds: households in clusters around an office that is not at their
centre, haversine x 1.3 at 25 km/h, 09-17 shifts, 4 minutes per door, capacity for 4-8
routes (200-400 stops); cost = total travel seconds.

The app's solve runs in a fresh process that first builds the app (as `flask ... solve-vrp`
does), so its wall time includes start-up. The reference is PyVRP 0.14 with default
parameters, all vehicles as one vehicle type, every stop required, one process, 60 s.

Run: .venv/bin/python bench/vrp_office.py [--seconds 10] [--reference 60] [--seeds 1 2]
     [--instances 1 2 3] [--param num_neighbours=40 ...] [--processes 1]"""

import argparse
import json
import math
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from welfare.delivery.rules import haversine_matrix, road_estimate  # noqa: E402

OFFICE = (22.5071324, 120.3949024)
# (instance seed, stops, routes the capacity is made for)
INSTANCES = {1: (200, 4), 2: (250, 5), 3: (300, 6), 4: (350, 7), 5: (400, 8)}
SHIFT = (9 * 3600, 17 * 3600)
SERVICE = 240


def office_instance(seed, stops, routes):
    """(seconds matrix, demands, capacity, vehicles): ~3 stops per cluster-centre cloud, the
    households' middle 2-4 km from the office; capacity so that `routes` routes are ~95% full."""
    rng = random.Random(seed)
    angle = rng.uniform(0, 2 * math.pi)
    shift_km = rng.uniform(2, 4)
    middle = (OFFICE[0] + shift_km / 111 * math.sin(angle),
              OFFICE[1] + shift_km / 104 * math.cos(angle))
    centres = [(middle[0] + rng.uniform(-0.03, 0.03), middle[1] + rng.uniform(-0.03, 0.03))
               for _ in range(rng.randint(15, 25))]
    points = [OFFICE]
    for _ in range(stops):
        c = rng.choice(centres)
        points.append((c[0] + rng.gauss(0, 0.003), c[1] + rng.gauss(0, 0.003)))
    metres = haversine_matrix([p[0] for p in points], [p[1] for p in points])
    _road, seconds = road_estimate(metres, 1.3, 25.0)
    demands = [rng.choice([3, 3, 4, 5]) for _ in range(stops)]
    capacity = math.ceil(sum(demands) / (0.95 * routes))
    return seconds, demands, capacity, routes + 1


def travel(matrix, routes):
    total = 0
    for r in routes:
        path = [0] + r + [0]
        total += int(sum(matrix[a, b] for a, b in zip(path, path[1:], strict=False)))
    return total


def app_solve(instance_seed, seconds, seed, params, processes):
    """In this (fresh) process: build the app, then the app's solve; (travel, unserved,
    routes used, solve seconds, process seconds since start)."""
    from welfare import create_app
    from welfare.delivery import solver

    create_app()
    matrix, demands, capacity, vehicles = office_instance(instance_seed, *INSTANCES[instance_seed])
    problem = solver.Problem(
        distances=matrix, durations=[matrix], place_count=1, demands=demands,
        vehicles=[solver.VehicleSpec(capacity=capacity, shift_start=SHIFT[0],
                                     shift_end=SHIFT[1]) for _ in range(vehicles)],
        service=[SERVICE] * len(demands), optional=not params.pop("required", 0),
        cost="duration",
    )
    solver.EXCHANGES = params.pop("exchanges", solver.EXCHANGES)
    solver.PARAMS.update(params)
    started = time.perf_counter()
    result = solver.solve(problem, seconds=seconds, seed=seed, processes=processes)
    routes = [[i + 1 for i in r] for r in result.routes if r]
    return travel(matrix, routes), len(result.unserved), len(routes), time.perf_counter() - started


def reference(instance_seed, seconds, seed=1):
    """Plain PyVRP: one vehicle type, all stops required, default parameters, one process."""
    import pyvrp
    from pyvrp.stop import MaxRuntime

    matrix, demands, capacity, vehicles = office_instance(instance_seed, *INSTANCES[instance_seed])
    data = pyvrp.ProblemData(
        [pyvrp.Location(x=0, y=0) for _ in range(len(demands) + 1)],
        [pyvrp.Client(location=i + 1, delivery=[d], service_duration=SERVICE)
         for i, d in enumerate(demands)],
        [pyvrp.Depot(location=0)],
        [pyvrp.VehicleType(num_available=vehicles, capacity=[capacity], tw_early=SHIFT[0],
                           tw_late=SHIFT[1], unit_distance_cost=0, unit_duration_cost=1)],
        [matrix], [matrix],
    )
    started = time.perf_counter()
    best = pyvrp.solve(data, stop=MaxRuntime(seconds), seed=seed, display=False,
                       collect_stats=False).best
    routes = [[a.idx + 1 for a in r.schedule() if a.is_client()] for r in best.routes()]
    assert best.is_feasible() and sorted(i for r in routes for i in r) == list(
        range(1, len(demands) + 1))
    return travel(matrix, routes), len(routes), time.perf_counter() - started


def run_app(instance_seed, seconds, seed, params, processes):
    """The app's solve in a fresh interpreter: its wall time includes start-up."""
    started = time.perf_counter()
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(instance_seed), "--seconds", str(seconds),
         "--seed", str(seed), "--processes", str(processes or 0),
         *[f"--param={k}={v}" for k, v in params.items()]],
        check=True, capture_output=True, text=True, cwd=ROOT,
    ).stdout
    wall = time.perf_counter() - started
    cost, unserved, routes, solve_s = json.loads(out.strip().splitlines()[-1])
    return cost, unserved, routes, solve_s, wall


def parse_params(items):
    params = {}
    for item in items or []:
        name, value = item.split("=", 1)
        params[name] = float(value) if "." in value else int(value)
    return params


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--reference", type=float, default=60)
    parser.add_argument("--reference-file", default="/tmp/vrp_office_reference.json",
                        help="reference costs kept here and reused for the same limit")
    parser.add_argument("--instances", type=int, nargs="*", default=sorted(INSTANCES))
    parser.add_argument("--seeds", type=int, nargs="*", default=[1])
    parser.add_argument(
        "--param", action="append",
        help="PyVRP parameter, e.g. num_neighbours=40 (required=1: no stop optional; "
        "exchanges=N: solver.EXCHANGES)")
    parser.add_argument("--processes", type=int, default=None, help="default: one per core, <= 2")
    parser.add_argument("--child", type=int)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    params = parse_params(args.param)
    if args.child:
        print(json.dumps(app_solve(args.child, args.seconds, args.seed, params,
                                   args.processes or None)))
        return
    cache_path = Path(args.reference_file)
    cache = json.loads(cache_path.read_text()) if cache_path.exists() else {}
    ratios, walls = [], []
    for k in args.instances:
        key = f"{k}:{args.reference:g}"
        if key not in cache:
            cost, used, secs = reference(k, args.reference)
            cache[key] = {"travel_s": cost, "routes": used, "seconds": round(secs, 1)}
            cache_path.write_text(json.dumps(cache, indent=1))
        ref = cache[key]
        for seed in args.seeds:
            cost, unserved, used, solve_s, wall = run_app(k, args.seconds, seed, params,
                                                          args.processes)
            ratio = cost / ref["travel_s"]
            ratios.append(ratio)
            walls.append(wall)
            print(json.dumps({
                "instance": k, "stops": INSTANCES[k][0], "seed": seed, "travel_s": cost,
                "reference_s": ref["travel_s"], "ratio": round(ratio, 4), "unserved": unserved,
                "routes": used, "reference_routes": ref["routes"], "solve_s": round(solve_s, 2),
                "wall_s": round(wall, 2), "load": round(os.getloadavg()[0], 1),
            }), flush=True)
    print(f"mean ratio {sum(ratios) / len(ratios):.4f}, worst {max(ratios):.4f}, "
          f"wall max {max(walls):.1f} s over {len(ratios)} solves; params {params or 'default'}")


if __name__ == "__main__":
    main()
