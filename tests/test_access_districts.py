"""The access matrix in a city bureau's deployment of two districts (林園區 and 那瑪夏區,
WELFARE_DISTRICT="64000130,64000380"): every GET route for every role, with the clerk limited
to every village of 那瑪夏區 and each URL naming objects of 林園區. The tests are the access
matrix's own, run over this module's app and world."""

import pytest
from flask import g

from config import TestConfig
from tests.conftest import dispose
from tests.live import fresh_database
from tests.test_access_matrix import (  # noqa: F401 (fixtures and tests run here again)
    clients,
    test_every_route_has_its_parameters,
    test_no_route_shows_a_person_outside_the_roles_scope,
    test_the_clerk_cannot_write_another_villages_records,
    world,
)
from welfare import create_app
from welfare.extensions import db
from welfare.roster.reference import ensure_reference_data

DISTRICTS = "64000130,64000380"


@pytest.fixture(scope="module")
def clerk_district():
    return "64000380"


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    url, drop = fresh_database(tmp_path_factory.mktemp("districts"), "districts")
    config = type("TwoDistricts", (TestConfig,), {
        "SQLALCHEMY_DATABASE_URI": url, "WELFARE_DISTRICT": DISTRICTS})
    app = create_app(config)
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: g.pop("_login_user", None))
    with app.app_context():
        db.create_all()
        with db.engine.begin() as conn:
            ensure_reference_data(conn)
    yield app
    dispose(app)
    drop()


def test_the_world_spans_two_districts(app, world):  # noqa: F811
    import sqlalchemy as sa

    from welfare.auth.models import User
    from welfare.geo.models import Village
    from welfare.roster.models import Person

    with app.app_context():
        codes = {code[:8] for code in db.session.scalars(sa.select(Village.code))}
        assert codes == set(DISTRICTS.split(","))
        clerk = db.session.scalar(sa.select(User).where(User.username == "matrix-clerk"))
        assert {v.code[:8] for v in clerk.villages} == {"64000380"}
        assert len(clerk.villages) == 3
        other = db.session.get(Person, world["ids"]["person_id"])
        assert other.village.code.startswith("64000130")
