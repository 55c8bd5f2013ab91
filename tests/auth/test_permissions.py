"""Who may open what: field roles see nothing of the office, supervisors only read,
village-limited staff see only their villages."""

import pytest

OFFICE_PAGES = [
    "/people", "/people/{person}", "/people/new", "/people/{person}/edit", "/households",
    "/elders", "/duplicates", "/low-income/expiring", "/audit", "/users",
    "/people/export.csv", "/people/export.xlsx",
]


def forbidden_heading(app):
    from flask_babel import gettext

    with app.test_request_context("/?lang=zh_Hant_TW"):
        return gettext("You cannot open this page")


def existing(app, paths):
    """The addresses, each checked to have a page (a renamed one fails here, loudly)."""
    adapter = app.url_map.bind("localhost")
    for path in paths:
        adapter.match(path, method="GET")
    return list(paths)


def import_page(app):
    with app.test_request_context():
        from flask import url_for

        return [url_for("roster.import_upload")]


@pytest.mark.parametrize("role", ["volunteer", "serviceman"])
def test_field_roles_cannot_open_office_pages(role, app, client, as_role, make_person):
    as_role(role)
    person = make_person()
    paths = existing(app, [p.format(person=person.id) for p in OFFICE_PAGES]) + import_page(app)
    assert len(paths) >= 9
    heading = f"<h1>{forbidden_heading(app)}</h1>"
    for path in paths:
        response = client.get(path)
        assert response.status_code == 403, (path, response.status_code)
        assert heading in response.text, path
    for path in (f"/people/{person.id}/reveal", f"/people/{person.id}/edit", "/people/new"):
        assert client.post(path, data={"name": "x"}).status_code == 403, path


@pytest.mark.parametrize("role", ["volunteer", "serviceman"])
def test_field_roles_menu_has_no_office_entries(role, client, as_role):
    as_role(role)
    home = client.get("/").text
    for href in ('href="/people"', 'href="/households"', 'href="/audit"', 'href="/users"'):
        assert href not in home


def test_anonymous_is_sent_to_sign_in_everywhere(app, client, make_person):
    person = make_person()
    paths = existing(app, [p.format(person=person.id) for p in OFFICE_PAGES]) + ["/"]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 302, path
        assert "/login" in response.headers["Location"], path


def test_supervisor_reads_but_does_not_write(client, as_role, make_person):
    as_role("supervisor")
    person = make_person(name="督導看")
    assert client.get("/people").status_code == 200
    assert client.get(f"/people/{person.id}").status_code == 200
    assert "督導看" in client.get("/people?q=督導").text
    assert client.get("/people/new").status_code == 403
    assert client.get(f"/people/{person.id}/edit").status_code == 403
    response = client.post(f"/people/{person.id}/edit", data={"name": "改名", "sex": "M"})
    assert response.status_code == 403
    assert client.get("/households/new").status_code == 403
    assert client.get("/users").status_code == 403
    assert client.get("/audit").status_code == 200
    assert f'href="/people/{person.id}/edit"' not in client.get(f"/people/{person.id}").text


def test_supervisor_edit_is_refused_without_changing_anything(db, client, as_role, make_person):
    as_role("supervisor")
    person = make_person(name="不變")
    client.post(f"/people/{person.id}/edit", data={"name": "改名"})
    db.session.refresh(person)
    assert person.name == "不變"


def test_village_limited_staff_see_only_their_villages(client, as_role, make_person, villages):
    mine, other = villages[0], villages[1]
    as_role("staff", villages=[mine])
    here = make_person(name="本里人", village=mine)
    there = make_person(name="他里人", village=other)
    assert client.get(f"/people/{here.id}").status_code == 200
    assert client.get(f"/people/{there.id}").status_code == 404
    assert client.get(f"/people/{there.id}/edit").status_code == 404
    assert client.post(f"/people/{there.id}/reveal").status_code == 404
    listing = client.get("/people").text
    assert "本里人" in listing and "他里人" not in listing
    assert "他里人" not in client.get("/people?q=他里").text
    assert "他里人" not in client.get(f"/people?village={other.code}").text
