"""Delivery rules, table-driven; no app needed."""

from datetime import time
from types import SimpleNamespace

import numpy as np
import pytest

from welfare.delivery import rules

ITEMS = [
    SimpleNamespace(name="白米", qty_small=1, qty_large=2, qty_elder=1, load_units=2),
    SimpleNamespace(name="油", qty_small=1, qty_large=1, qty_elder=0, load_units=1),
]


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("林園北路 244號", "林園北路244號"),
        ("林園北路２４４號", "林園北路244號"),
        ("臺灣高雄市林園區", "台灣高雄市林園區"),
        ("  港埔路1號，", "港埔路1號"),
        ("", ""),
    ],
)
def test_normalise_address(address, key):
    assert rules.normalise_address(address) == key


@pytest.mark.parametrize(
    ("kind", "members", "goods", "load"),
    [
        ("low", 1, {"白米": 1, "油": 1}, 3),
        ("low", 2, {"白米": 1, "油": 1}, 3),
        ("mid_low", 3, {"白米": 2, "油": 1}, 5),
        ("low", 6, {"白米": 2, "油": 1}, 5),
        ("elder", 1, {"白米": 1}, 2),
    ],
)
def test_quantities_and_load(kind, members, goods, load):
    got = rules.quantities_for(ITEMS, kind, members)
    assert got == goods
    assert rules.load_of(got, ITEMS) == load


def test_haversine_matrix_matches_known_distance():
    # Kaohsiung main station to Linyuan district office: about 17.4 km as the crow flies.
    m = rules.haversine_matrix([22.6394, 22.5071], [120.3024, 120.3949])
    assert m[0, 0] == 0 and m[0, 1] == m[1, 0]
    assert 17_000 < m[0, 1] < 17_800


def test_road_estimate_applies_detour_and_speed():
    road, seconds = rules.road_estimate(np.array([[0.0, 1000.0]]), 1.3, 26.0)
    assert road.tolist() == [[0, 1300]]
    assert seconds.tolist() == [[0, 180]]


@pytest.mark.parametrize(
    ("load", "trip", "window", "reason"),
    [
        (50, 600, None, "too_heavy"),
        (5, 9 * 3600, None, "too_far"),
        (5, 600, (19 * 3600, 20 * 3600), "window_outside_shifts"),
        (5, 600, (10 * 3600, 11 * 3600), "no_room"),
    ],
)
def test_unserved_reason(load, trip, window, reason):
    shifts = [(9 * 3600, 17 * 3600)]
    assert rules.unserved_reason(load, [40], trip, 300, [8 * 3600], window, shifts) == reason


@pytest.mark.parametrize(
    ("outcome", "follow", "done"),
    [
        (None, True, False),
        ("not_home", True, False),
        ("wrong_address", True, False),
        ("refused", False, False),
        ("delivered", False, True),
        ("left_with_family", False, True),
        ("left_with_neighbour", False, True),
    ],
)
def test_follow_up_and_done(outcome, follow, done):
    assert rules.needs_follow_up(outcome) is follow
    assert rules.is_done(outcome) is done


@pytest.mark.parametrize(
    ("seconds", "t"), [(0, time(0, 0)), (9 * 3600 + 125, time(9, 2)), (30 * 3600, time(23, 59))]
)
def test_time_of(seconds, t):
    assert rules.time_of(seconds) == t
