"""Gap to best known and time for each CVRPLIB instance, the app's engine against VROOM x5.

Run: .venv/bin/python bench/vrp_cvrplib.py [--seconds 10] [--no-vroom] [DIR]
DIR defaults to ../shared/data/cvrplib (kept outside the project); CVRP files only."""

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from welfare.delivery.cvrplib import (  # noqa: E402
    best_known,
    check_solution,
    euclidean_matrix,
    read_instance,
    solve_instance,
)


def vroom_cost(instance, matrix, level=5, threads=2):
    """VROOM at an exploration level on the same rounded matrix: (cost, seconds)."""
    import vroom

    problem = vroom.Input()
    problem.set_durations_matrix(profile="car", matrix_input=matrix.tolist())
    for k in range(instance["vehicles"]):
        problem.add_vehicle(
            vroom.Vehicle(id=k + 1, start=0, end=0, capacity=[instance["capacity"]])
        )
    for i, demand in enumerate(instance["demands"][1:], start=1):
        problem.add_job(vroom.Job(id=i, location=i, delivery=[demand]))
    started = time.perf_counter()
    solution = problem.solve(exploration_level=level, nb_threads=threads)
    return int(solution.summary.cost), time.perf_counter() - started


def is_cvrp(path):
    return "TIME_WINDOW_SECTION" not in Path(path).read_text()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("directory", nargs="?", default=str(ROOT.parent / "shared/data/cvrplib"))
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--no-vroom", action="store_true")
    args = parser.parse_args()
    rows = []
    for path in sorted(Path(args.directory).glob("*.vrp")):
        if not is_cvrp(path):
            continue
        instance = read_instance(path)
        started = time.perf_counter()
        routes, cost, _ = solve_instance(instance, seconds=args.seconds)
        elapsed = time.perf_counter() - started
        best = best_known(path) or _optimal_from_comment(path)
        row = {
            "instance": instance["name"],
            "cost": cost,
            "best": best,
            "gap_pct": round(100 * (cost - best) / best, 2) if best else None,
            "seconds": round(elapsed, 1),
            "problems": check_solution(instance, routes),
        }
        if not args.no_vroom:
            vcost, vsec = vroom_cost(instance, euclidean_matrix(instance["coords"]))
            row.update(
                vroom=vcost,
                vroom_seconds=round(vsec, 1),
                vs_vroom_pct=round(100 * (cost - vcost) / vcost, 2),
            )
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    for prefix in ("A-", "X-"):
        gaps = [
            r["gap_pct"]
            for r in rows
            if r["instance"].startswith(prefix) and r["gap_pct"] is not None
        ]
        if gaps:
            print(f"{prefix} set: mean gap {sum(gaps) / len(gaps):.2f}% over {len(gaps)} instances")
    gaps = [r["gap_pct"] for r in rows if r["gap_pct"] is not None]
    print(f"A and X: mean gap {sum(gaps) / len(gaps):.2f}%")


def _optimal_from_comment(path):
    """A-set files state the optimum in their COMMENT line."""
    for line in Path(path).read_text().splitlines():
        if "Optimal value:" in line:
            return float(line.split("Optimal value:")[1].strip(" )"))
    return None


if __name__ == "__main__":
    main()
