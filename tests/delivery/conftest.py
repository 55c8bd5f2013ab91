"""Delivery fixtures: low-income households, elders, servicemen with vehicles, a fake geocoder."""

from datetime import date, time

import pytest

from welfare.delivery import services
from welfare.delivery.fake_geocoder import FakeGeocoder
from welfare.roster.models import Household, HouseholdMember, IsolatedElder, LowIncomeStatus

GOODS = [
    {"name": "白米", "unit": "包", "qty_small": 1, "qty_large": 2, "qty_elder": 1, "load_units": 2},
    {
        "name": "食用油",
        "unit": "瓶",
        "qty_small": 1,
        "qty_large": 1,
        "qty_elder": 0,
        "load_units": 1,
    },
]
DAY = date(2026, 1, 20)


@pytest.fixture(autouse=True)
def fake_geocoder(app, monkeypatch, tmp_path):
    """No test may reach the network: the geocoder is the local fake. Photos go to tmp."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    monkeypatch.setitem(app.config, "GEOCODER_PROVIDER", "fake")
    monkeypatch.setitem(app.config, "GEOCODER_MIN_DELAY", 0)
    monkeypatch.setitem(app.config, "OSRM_URL", "")
    FakeGeocoder.calls = 0
    return FakeGeocoder


@pytest.fixture
def make_household(db, make_person, villages):
    n = [0]

    def make(kind="low", members=1, village=None, address=None):
        n[0] += 1
        village = village or villages[n[0] % len(villages)]
        address = address or f"林園北路{n[0]}號"
        household = Household(village_id=village.id, address=address, household_no=f"H{n[0]}")
        db.session.add(household)
        db.session.flush()
        people = [
            make_person(village=village, address=address, phone=f"07-64{n[0]:05d}")
            for _ in range(members)
        ]
        for person in people:
            db.session.add(HouseholdMember(household_id=household.id, person_id=person.id))
        household.head_id = people[0].id
        if kind:
            db.session.add(
                LowIncomeStatus(
                    household_id=household.id,
                    kind=kind,
                    certified_from=date(2025, 1, 1),
                    certified_until=date(2026, 12, 31),
                )
            )
        db.session.flush()
        return household

    return make


@pytest.fixture
def make_elder(db, make_person):
    def make(**kwargs):
        person = make_person(**kwargs)
        db.session.add(IsolatedElder(person_id=person.id, care_level=2))
        db.session.flush()
        return person

    return make


@pytest.fixture
def make_vehicle(db, make_user):
    def make(user=None, **overrides):
        user = user or make_user("serviceman")
        data = {
            "name": f"役男{user.id}",
            "phone": "0912000000",
            "user_id": user.id,
            "vehicle_type": "scooter",
            "capacity": 40,
            "shift_start": time(9, 0),
            "shift_end": time(17, 0),
            "reloads": False,
            "active": True,
        }
        data.update(overrides)
        return services.save_vehicle(None, data, actor=None)

    return make


@pytest.fixture
def event_with_stops(db, make_household, make_elder):
    """An event with 12 low-income households, 3 mid-low ones and 2 isolated elders."""
    for i in range(12):
        make_household("low", members=1 + i % 4)
    for _ in range(3):
        make_household("mid_low", members=2)
    make_elder(address="港埔路12號")
    make_elder(address="查無此路1號")
    from welfare.delivery import queries

    event = services.create_event(
        {"name": "測試送溫情", "event_date": DAY, "service_minutes": 5}, GOODS, actor=None
    )
    services.add_recipients(
        event, queries.candidates(["low", "mid_low", "elder"], [], DAY), actor=None
    )
    return event
