"""Delivery rules a planner could say in a sentence: goods per household, travel, outcomes."""

import re
import unicodedata
from datetime import time

import numpy as np

EARTH_RADIUS_M = 6_371_008.8
DONE_OUTCOMES = ("delivered", "left_with_family", "left_with_neighbour")
FOLLOW_UP_OUTCOMES = ("not_home", "wrong_address")


def normalise_address(address):
    """One cache key per address: full-width to half-width, no spaces, 台 for 臺."""
    text = unicodedata.normalize("NFKC", address or "")
    text = text.replace("臺", "台")
    text = re.sub(r"\s+", "", text)
    return text.strip(",，")


def household_size_class(members):
    """Households of one or two people get the small share; three or more the large."""
    return "small" if members <= 2 else "large"


def quantities_for(items, kind, members):
    """Item name -> quantity for one stop, from the event's goods items."""
    if kind == "elder":
        field = "qty_elder"
    else:
        field = "qty_small" if household_size_class(members) == "small" else "qty_large"
    return {item.name: getattr(item, field) for item in items if getattr(item, field)}


def load_of(goods, items):
    """Capacity a stop uses: quantity times each item's load units."""
    units = {item.name: item.load_units for item in items}
    return sum(int(qty) * units.get(name, 1) for name, qty in goods.items())


def haversine_matrix(lats, lngs):
    """Great-circle metres between every pair of points (vectorised)."""
    lat = np.radians(np.asarray(lats, dtype=float))
    lng = np.radians(np.asarray(lngs, dtype=float))
    dlat = lat[:, None] - lat[None, :]
    dlng = lng[:, None] - lng[None, :]
    a = np.sin(dlat / 2) ** 2 + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlng / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def road_estimate(metres, detour, speed_kmh):
    """(road metres, seconds) from straight-line metres: times a detour factor, at a speed."""
    road = np.rint(metres * detour).astype(np.int64)
    seconds = np.rint(road / (speed_kmh * 1000 / 3600)).astype(np.int64)
    return road, seconds


def seconds_of(t):
    return t.hour * 3600 + t.minute * 60 + t.second


def time_of(seconds):
    seconds = max(0, min(int(seconds), 24 * 3600 - 1))
    return time(seconds // 3600, seconds % 3600 // 60)


def unserved_reason(load, capacities, round_trip_s, service_s, shift_lengths, window, shifts):
    """Why a stop could not be put on any route (a reason code)."""
    if capacities and load > max(capacities):
        return "too_heavy"
    if shift_lengths and round_trip_s + service_s > max(shift_lengths):
        return "too_far"
    if window and shifts and all(window[1] < s or window[0] > e for s, e in shifts):
        return "window_outside_shifts"
    return "no_room"


def needs_follow_up(outcome):
    """Stops to try again: nobody answered, the address was wrong, or no report yet."""
    return outcome is None or outcome in FOLLOW_UP_OUTCOMES


def is_done(outcome):
    return outcome in DONE_OUTCOMES


def next_unreported(outcomes, start=0):
    """1-based position of the first stop with no report after position `start`, going
    round to the top of the list; None when every stop is reported."""
    count = len(outcomes)
    for step in range(count):
        index = (start + step) % count
        if outcomes[index] is None:
            return index + 1
    return None
