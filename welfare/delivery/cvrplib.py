"""Reading CVRPLIB instances and checking solutions (the `solve-vrp` command and bench)."""

import math
from pathlib import Path

import numpy as np

from welfare.delivery.solver import Problem, VehicleSpec, solve


def read_instance(path):
    """Parse a TSPLIB-style CVRP file: coordinates, demands, capacity, depot(s)."""
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    header, coords, demands, depots = {}, {}, {}, []
    section = None
    for raw in lines:
        line = raw.strip()
        if not line or line == "EOF":
            continue
        if line.endswith("SECTION"):
            section = line
            continue
        if ":" in line and not line[0].isdigit():
            key, value = line.split(":", 1)
            header[key.strip()] = value.strip()
            section = None
            continue
        parts = line.split()
        if section == "NODE_COORD_SECTION":
            coords[int(parts[0])] = (float(parts[1]), float(parts[2]))
        elif section == "DEMAND_SECTION":
            demands[int(parts[0])] = int(parts[1])
        elif section == "DEPOT_SECTION":
            if int(parts[0]) >= 0:
                depots.append(int(parts[0]))
    if header.get("EDGE_WEIGHT_TYPE", "EUC_2D") != "EUC_2D":
        raise ValueError("only EUC_2D instances are supported")
    depot = depots[0] if depots else 1
    nodes = [depot] + [n for n in sorted(coords) if n != depot]
    return {
        "name": header.get("NAME", Path(path).stem),
        "capacity": int(header["CAPACITY"]),
        "nodes": nodes,  # file node numbers, depot first
        "coords": np.array([coords[n] for n in nodes]),
        "demands": [demands.get(n, 0) for n in nodes],
        "vehicles": _vehicle_hint(header, demands, int(header["CAPACITY"])),
    }


def _vehicle_hint(header, demands, capacity):
    """Enough vehicles never to bind: the file's k, else twice the lower bound plus slack."""
    lower = math.ceil(sum(demands.values()) / capacity)
    return max(int(header.get("VEHICLES", 0) or 0), 2 * lower + 3)


def euclidean_matrix(coords):
    """CVRPLIB convention: Euclidean distance rounded to the nearest integer."""
    diff = coords[:, None, :] - coords[None, :, :]
    return np.rint(np.sqrt((diff**2).sum(axis=2))).astype(np.int64)


def solve_instance(instance, seconds=10.0, seed=1):
    """Solve with the app's engine; routes come back as file node numbers."""
    matrix = euclidean_matrix(instance["coords"])
    problem = Problem(
        distances=matrix,
        durations=[matrix],
        place_count=1,
        demands=instance["demands"][1:],
        vehicles=[VehicleSpec(capacity=instance["capacity"])] * instance["vehicles"],
    )
    result = solve(problem, seconds=seconds, seed=seed)
    nodes = instance["nodes"]
    routes = [[nodes[i + 1] for i in r] for r in result.routes if r]
    return routes, route_cost(matrix, nodes, routes), result


def route_cost(matrix, nodes, routes):
    """Total rounded distance of routes given as file node numbers (depot at both ends)."""
    index = {n: i for i, n in enumerate(nodes)}
    total = 0
    for route in routes:
        path = [0] + [index[n] for n in route] + [0]
        total += int(sum(matrix[a, b] for a, b in zip(path, path[1:], strict=False)))
    return total


def check_solution(instance, routes):
    """Problems with a solution: stops missing or repeated, capacity broken."""
    problems = []
    seen = [n for r in routes for n in r]
    expected = set(instance["nodes"][1:])
    if sorted(seen) != sorted(expected):
        problems.append("stops missing or visited twice")
    demand = dict(zip(instance["nodes"], instance["demands"], strict=True))
    for k, route in enumerate(routes):
        if sum(demand[n] for n in route) > instance["capacity"]:
            problems.append(f"route {k + 1} over capacity")
    return problems


def best_known(path):
    """The `Cost N` line of the .sol file next to the instance, if any."""
    sol = Path(path).with_suffix(".sol")
    if not sol.exists():
        return None
    for line in sol.read_text().splitlines():
        if line.lower().startswith("cost"):
            return float(line.split()[1])
    return None
