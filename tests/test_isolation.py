"""The db fixture must undo what a test (and the views it calls) committed."""

import sqlalchemy as sa

from tests.conftest import PASSWORD, rolled_back_session
from welfare.auth.models import User
from welfare.geo.models import Village
from welfare.roster.models import Person


def count_people(app, id_number):
    with app.app_context(), rolled_back_session(app) as fresh:
        return fresh.session.scalar(
            sa.select(sa.func.count(Person.id)).where(Person.id_number == id_number))


def test_view_commits_are_rolled_back(app):
    id_number = "A123456789"
    assert count_people(app, id_number) == 0
    with rolled_back_session(app) as database:
        village = database.session.scalar(sa.select(Village).order_by(Village.code))
        user = User(username="isolation-staff", role="staff", display_name="isolation")
        user.set_password(PASSWORD)
        database.session.add(user)
        database.session.flush()
        client = app.test_client()
        assert client.post("/login", data={"username": user.username,
                                           "password": PASSWORD}).status_code == 302
        response = client.post("/people/new", data={
            "id_number": id_number, "name": "隔離測試", "sex": "M", "birth_date": "40/1/1",
            "village_id": village.id, "status": "registered"})
        assert response.status_code == 302
        # the view committed: inside the test the person is there
        assert database.session.scalar(
            sa.select(sa.func.count(Person.id)).where(Person.id_number == id_number)) == 1
    # after the fixture's rollback a fresh session sees nothing of it
    assert count_people(app, id_number) == 0
