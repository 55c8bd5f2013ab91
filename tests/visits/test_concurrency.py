"""Replays racing on PostgreSQL: one stored visit, one alert, the others 200 or 409."""

import random
import threading
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from welfare.auth.models import User
from welfare.core import idno
from welfare.geo.models import Village
from welfare.roster.models import IsolatedElder, Person
from welfare.visits.models import Alert, Assignment, Visit, Volunteer

pytestmark = pytest.mark.postgres


def _setup(db):
    village = db.session.scalar(sa.select(Village).order_by(Village.code))
    user = User(username="race-volunteer", role="volunteer", display_name="race")
    user.set_password(PASSWORD)
    staff = User(username="race-staff", role="staff", display_name="staff")
    staff.set_password(PASSWORD)
    person = Person(id_number=idno.generate(sex="F", rng=random.Random(7)), name="賽跑",
                    sex="F", birth_date=date(1940, 1, 1), village_id=village.id)
    elder = IsolatedElder(person=person, care_level=4)
    volunteer = Volunteer(user=user, name="race")
    db.session.add_all([user, staff, elder, volunteer])
    db.session.flush()
    db.session.add(Assignment(elder_id=elder.id, primary_id=volunteer.id))
    db.session.commit()
    return user.username, elder.id


def test_ten_replays_at_once_store_one_visit(app, committed_db):
    username, elder_id = _setup(committed_db)
    client = app.test_client()
    token = client.post("/api/v1/auth/token",
                        json={"username": username, "password": PASSWORD}).get_json()["token"]
    payload = {"uuid": str(uuid.uuid4()), "elder_id": elder_id, "kind": "home_visit",
               "outcome": "no_answer", "notes": "敲門沒人應",
               "visited_at": (datetime.now(UTC) - timedelta(minutes=5)).isoformat()}
    conflicting = dict(payload, notes="不同內容")
    barrier = threading.Barrier(12)
    codes = []

    def send(body):
        local = app.test_client()
        barrier.wait()
        response = local.post("/api/v1/visits", json=body,
                              headers={"Authorization": f"Bearer {token}"})
        codes.append((body["notes"], response.status_code))

    threads = [threading.Thread(target=send, args=(payload,)) for _ in range(10)]
    threads += [threading.Thread(target=send, args=(conflicting,)) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stored = committed_db.session.scalars(sa.select(Visit).where(
        Visit.uuid == payload["uuid"])).all()
    assert len(stored) == 1
    winner = stored[0].notes
    for notes, code in codes:
        assert code in ((201, 200) if notes == winner else (409,)), codes
    assert sum(1 for _, code in codes if code == 201) == 1
    alerts = committed_db.session.scalar(sa.select(sa.func.count()).select_from(Alert).where(
        Alert.elder_id == elder_id))
    assert alerts == 1  # the losers rolled back their savepoint: no second alert
