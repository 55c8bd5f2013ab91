"""Factories for visit tests: elders, volunteers, assignments, API tokens."""

import itertools
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.conftest import PASSWORD
from welfare.roster.models import IsolatedElder
from welfare.visits.models import Assignment, Volunteer

_n = itertools.count(1)


def visit_payload(elder, **extra):
    """A phone app's visit for the API: new uuid, met and well an hour ago."""
    data = {"uuid": str(uuid.uuid4()), "elder_id": elder.id, "kind": "home_visit",
            "outcome": "met_well", "notes": "精神很好",
            "visited_at": (datetime.now(UTC) - timedelta(hours=1)).isoformat()}
    data.update(extra)
    return data


@pytest.fixture
def make_elder(db, make_person):
    def make(level=3, village=None, **person):
        if village is not None:
            person["village"] = village
        elder = IsolatedElder(person=make_person(**person), care_level=level)
        db.session.add(elder)
        db.session.flush()
        return elder

    return make


@pytest.fixture
def make_volunteer(db, make_user):
    def make(user=None, active=True):
        user = user or make_user("volunteer")
        volunteer = Volunteer(user=user, name=f"志工{next(_n)}", active=active)
        db.session.add(volunteer)
        db.session.flush()
        return volunteer

    return make


@pytest.fixture
def assign(db):
    def link(elder, primary, backup=None):
        row = Assignment(elder_id=elder.id, primary_id=primary.id,
                         backup_id=backup.id if backup else None)
        db.session.add(row)
        db.session.flush()
        return row

    return link


@pytest.fixture
def token_for(client):
    def get(user):
        response = client.post("/api/v1/auth/token",
                               json={"username": user.username, "password": PASSWORD})
        assert response.status_code == 200, response.get_json()
        return {"Authorization": f"Bearer {response.get_json()['token']}"}

    return get
