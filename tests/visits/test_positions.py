"""A visit's position is both latitude and longitude or neither: the rule, the API's 400,
the database CHECK, migration 0011 clearing old halves, and the elder page."""

import uuid
from datetime import date, datetime
from types import SimpleNamespace

import flask_migrate
import pytest
import sqlalchemy as sa

from config import TestConfig
from tests.test_migrations import _fresh_database_url
from tests.visits.conftest import visit_payload
from welfare import create_app
from welfare.core import idno
from welfare.extensions import db as _db
from welfare.roster.models import IsolatedElder, Person
from welfare.visits import rules
from welfare.visits.models import Visit


@pytest.mark.parametrize(("lat", "lng", "half"), [
    (None, None, False), (22.5, 120.4, False), (0.0, 0.0, False),
    (22.5, None, True), (None, 120.4, True), (0.0, None, True),
])
def test_half_position_rule(lat, lng, half):
    assert rules.half_position(lat, lng) is half


def _visit(elder, user, **values):
    return Visit(uuid=str(uuid.uuid4()), content_hash="0" * 64, elder_id=elder.id,
                 recorded_by_id=user.id, kind="home_visit", outcome="met_well",
                 visited_at=datetime(2026, 11, 1, 2, 0), **values)


def test_database_refuses_half_a_position(db, make_elder, make_user):
    elder, user = make_elder(2), make_user("staff")
    for lat, lng in ((22.5, None), (None, 120.4)):
        with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
            db.session.add(_visit(elder, user, lat=lat, lng=lng))
            db.session.flush()
    db.session.add(_visit(elder, user, lat=22.5, lng=120.4))
    db.session.flush()


@pytest.mark.parametrize("half", [{"lat": 22.5}, {"lng": 120.39}, {"lat": 22.5, "lng": None}])
def test_api_refuses_half_a_position(client, db, make_volunteer, make_elder, assign,
                                     token_for, half):
    me, elder = make_volunteer(), make_elder(2)
    assign(elder, me)
    response = client.post("/api/v1/visits", headers=token_for(me.user),
                           json=visit_payload(elder, **half))
    assert response.status_code == 400
    body = response.get_json()
    missing = "lng" if half.get("lng") is None else "lat"
    assert body["errors"] == {missing: "經度與緯度須同時提供，或都不提供。"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Visit)
                             .where(Visit.elder_id == elder.id)) == 0


def _allow_half_positions(db):
    """Old rows from before migration 0011: drop the CHECK inside the test's transaction."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA ignore_check_constraints = 1")
        return lambda: connection.exec_driver_sql("PRAGMA ignore_check_constraints = 0")
    connection.exec_driver_sql("ALTER TABLE visits DROP CONSTRAINT ck_visits_position_whole")
    return lambda: None  # the rollback after the test restores it


def test_elder_page_shows_whole_positions_and_survives_half_ones(client, db, make_elder,
                                                                 make_user, as_role):
    elder, user = make_elder(2), make_user("staff")
    db.session.add(_visit(elder, user, lat=22.5, lng=120.39))
    db.session.add(_visit(elder, user, lat=0.0, lng=0.0, notes="在赤道"))
    restore = _allow_half_positions(db)
    db.session.add(_visit(elder, user, lat=22.6, lng=None))
    db.session.flush()
    restore()
    as_role("staff")
    page = client.get(f"/visits/elders/{elder.id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "GPS 22.5000, 120.3900" in text and "GPS 0.0000, 0.0000" in text
    assert "22.6000" not in text


def test_migration_0011_clears_half_positions(app, tmp_path):
    class MigratedConfig(TestConfig):
        SQLALCHEMY_DATABASE_URI = _fresh_database_url(app, tmp_path)

    migrated = create_app(MigratedConfig)
    with migrated.app_context():
        flask_migrate.upgrade(revision="0009")
        village_id = _db.session.scalar(sa.text("select min(id) from villages"))
        # The users table as it was at 0009 (later revisions add columns the model has).
        user = _db.session.execute(sa.text(
            "INSERT INTO users (username, role, display_name, phone, password_hash, "
            "is_active_account, failed_logins, created_at) VALUES ('migrator', 'staff', 'm', "
            "'', 'x', :active, 0, :now) RETURNING id"), {"active": True, "now": datetime.now()}
        ).one()
        user = SimpleNamespace(id=user.id)
        person = Person(id_number=idno.generate(sex="F"), name="林阿嬤", sex="F",
                        birth_date=date(1940, 1, 1), village_id=village_id)
        elder = IsolatedElder(person=person, care_level=2)
        _db.session.add(elder)
        _db.session.flush()
        kept, lat_only, lng_only, none = (
            _visit(elder, user, lat=22.5, lng=120.39), _visit(elder, user, lat=22.5),
            _visit(elder, user, lng=120.39), _visit(elder, user))
        _db.session.add_all([kept, lat_only, lng_only, none])
        _db.session.commit()
        ids = [kept.id, lat_only.id, lng_only.id, none.id]
        _db.session.remove()

        flask_migrate.upgrade()
        rows = _db.session.execute(sa.select(Visit.id, Visit.lat, Visit.lng)
                                   .where(Visit.id.in_(ids)).order_by(Visit.id)).all()
        assert [(r.lat, r.lng) for r in rows] == [
            (22.5, 120.39), (None, None), (None, None), (None, None)]
        with pytest.raises(sa.exc.IntegrityError):
            _db.session.execute(sa.update(Visit).where(Visit.id == ids[0]).values(lng=None))
        _db.session.rollback()
        _db.session.remove()
        flask_migrate.downgrade(revision="0009")
        _db.engine.dispose()
