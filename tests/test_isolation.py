"""The db fixture must undo what a test (and the views it calls) committed."""

import sqlalchemy as sa

from welfare.roster.models import Person


def test_view_commits_are_rolled_back_first(client, staff_user, village):
    response = client.post("/people/new", data={
        "id_number": "A123456789", "name": "隔離測試", "sex": "M", "birth_date": "40/1/1",
        "village_id": village.id, "status": "registered"})
    assert response.status_code == 302


def test_view_commits_are_rolled_back_second(db):
    assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 0
