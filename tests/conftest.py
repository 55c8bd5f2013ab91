"""Fixtures: an app per session, a database that rolls back after each test,
role fixtures and factories. TEST_DATABASE_URL switches to PostgreSQL."""

import itertools
import random
from contextlib import contextmanager
from datetime import date

import pytest
import sqlalchemy as sa
from flask import g
from flask_sqlalchemy.session import Session as FlaskSession

from config import TestConfig
from welfare import create_app
from welfare.auth.models import User
from welfare.core import idno
from welfare.extensions import db as _db
from welfare.geo.models import Village
from welfare.roster.models import Person
from welfare.roster.reference import ensure_reference_data

PASSWORD = "correct horse 1"


class ConnectionBoundSession(FlaskSession):
    """Flask-SQLAlchemy's session picks the engine itself; in tests it must use
    the one connection whose outer transaction is rolled back."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and self.bind is not None:
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


@pytest.fixture(scope="session")
def app():
    app = create_app(TestConfig)

    def forget_cached_user():
        # Tests keep one app context open, which Flask reuses for every request,
        # so Flask-Login's per-context user cache must not leak between requests
        # (first: the request's scope is read from the signed-in user).
        g.pop("_login_user", None)

    app.before_request_funcs.setdefault(None, []).insert(0, forget_cached_user)

    with app.app_context():
        _db.drop_all()
        _db.create_all()
        with _db.engine.begin() as conn:
            ensure_reference_data(conn)
    yield app
    with app.app_context():
        _db.session.remove()
        _db.drop_all()
        _db.engine.dispose()


@contextmanager
def rolled_back_session(app):
    """The session bound to one outer transaction that is rolled back at the end;
    commits inside become savepoints."""
    with app.app_context():
        connection = _db.engine.connect()
        transaction = connection.begin()
        original = _db.session
        _db.session = _db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint",
             "class_": ConnectionBoundSession}
        )
        try:
            yield _db
        finally:
            _db.session.remove()
            _db.session = original
            if transaction.is_active:
                transaction.rollback()
            connection.close()


def dispose(other):
    """Close the pooled connections of an app a test built for itself (PostgreSQL warns
    about connections that are garbage-collected while open)."""
    with other.app_context():
        _db.session.remove()
        for engine in _db.engines.values():
            engine.dispose()


@pytest.fixture
def app_with(app):
    """create_app(config_class) for a test's own settings over the test database; its
    connections are closed afterwards."""
    made = []

    def build(config_class):
        made.append(create_app(config_class))
        return made[-1]

    yield build
    for other in made:
        dispose(other)


@pytest.fixture
def db(app):
    """A session bound to one outer transaction, rolled back after the test."""
    with rolled_back_session(app) as database:
        yield database


KEEP_TABLES = {"villages", "low_income_categories", "alembic_version"}


@pytest.fixture
def committed_db(app):
    """Real commits visible to other connections (for races on PostgreSQL);
    every table but the reference data is emptied afterwards."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("concurrency tests need PostgreSQL (set TEST_DATABASE_URL)")
    with app.app_context():
        yield _db
        _db.session.remove()
        names = [t.name for t in _db.metadata.sorted_tables if t.name not in KEEP_TABLES]
        with _db.engine.begin() as conn:
            # audit_log refuses TRUNCATE by trigger; replica mode (a superuser's setting,
            # which the app's role cannot use) skips triggers for this cleanup only.
            conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
            conn.execute(sa.text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))


@pytest.fixture
def is_postgres(app):
    return app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")


@pytest.fixture
def client(app, db):
    return app.test_client()


_counter = itertools.count(1)


@pytest.fixture
def make_user(db):
    def make(role="staff", username=None, villages=(), password=PASSWORD):
        user = User(username=username or f"{role}{next(_counter)}", role=role,
                    display_name=f"{role} tester")
        user.set_password(password)
        user.villages = list(villages)
        db.session.add(user)
        db.session.flush()
        return user

    return make


@pytest.fixture
def village(db):
    return db.session.scalar(sa.select(Village).order_by(Village.code))


@pytest.fixture
def villages(db):
    return db.session.scalars(sa.select(Village).order_by(Village.code)).all()


@pytest.fixture
def make_person(db, village):
    rng = random.Random(42)

    def make(**overrides):
        sex = overrides.get("sex", "F")
        data = {
            "id_number": idno.generate(sex=sex, rng=rng),
            "name": f"測試{next(_counter)}",
            "sex": sex,
            "birth_date": date(1950, 5, 17),
            "village_id": village.id,
            "neighbourhood": 3,
            "address": "林園北路244號",
            "status": "registered",
        }
        data.update(overrides)
        if "village" in data:
            data["village_id"] = data.pop("village").id
        person = Person(**data)
        db.session.add(person)
        db.session.flush()
        return person

    return make


def login(client, user, password=PASSWORD):
    return client.post("/login", data={"username": user.username, "password": password})


@pytest.fixture
def as_role(client, make_user):
    """Sign the test client in with a fresh user of a role; returns the user."""

    def sign_in(role, **kwargs):
        user = make_user(role, **kwargs)
        response = login(client, user)
        assert response.status_code == 302, response.data
        return user

    return sign_in


@pytest.fixture
def staff_user(as_role):
    return as_role("staff")


@pytest.fixture
def admin_user(as_role):
    return as_role("admin")


@pytest.fixture
def volunteer_user(as_role):
    return as_role("volunteer")
