"""Travel distances and times between points: geodesic x detour at a speed per vehicle
type, or an OSRM server's table when OSRM_URL is set."""

import json
import logging
import urllib.request

import numpy as np

from welfare.delivery.rules import haversine_matrix, road_estimate

log = logging.getLogger(__name__)

DEFAULT_SPEEDS = {"scooter": 25.0, "van": 20.0}


def speeds(config):
    return {
        kind: float(config.get(f"DELIVERY_SPEED_{kind.upper()}_KMH", default))
        for kind, default in DEFAULT_SPEEDS.items()
    }


def osrm_table(url, points, timeout=20):
    """(metres, seconds) matrices from OSRM's table service, or None when it fails."""
    coords = ";".join(f"{lng:.6f},{lat:.6f}" for lat, lng in points)
    request_url = f"{url.rstrip('/')}/table/v1/driving/{coords}?annotations=distance,duration"
    try:
        with urllib.request.urlopen(request_url, timeout=timeout) as response:
            body = json.load(response)
        if body.get("code") != "Ok":
            return None
        metres = np.rint(np.array(body["distances"], dtype=float)).astype(np.int64)
        seconds = np.rint(np.array(body["durations"], dtype=float)).astype(np.int64)
        return metres, seconds
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("OSRM table failed, using geodesic estimate: %s", exc)
        return None


def matrices(points, vehicle_types, config):
    """Distances (metres) and a seconds matrix per vehicle type for (lat, lng) points."""
    if config.get("OSRM_URL"):
        table = osrm_table(config["OSRM_URL"], points)
        if table is not None:
            metres, seconds = table
            # OSRM's car profile; scooters weave through traffic at about the same pace.
            return metres, {kind: seconds for kind in vehicle_types}, "osrm"
    lats = [p[0] for p in points]
    lngs = [p[1] for p in points]
    straight = haversine_matrix(lats, lngs)
    detour = float(config.get("DELIVERY_DETOUR_FACTOR", 1.3))
    per_type = speeds(config)
    durations = {}
    road = None
    for kind in vehicle_types:
        road, durations[kind] = road_estimate(straight, detour, per_type[kind])
    if road is None:
        road, _ = road_estimate(straight, detour, 25.0)
    return road, durations, "geodesic"
