"""Staff pages render and write; volunteers reach only their app and their own elders."""

import re
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import login
from welfare.visits import alerts, services
from welfare.visits.models import Alert, Assignment, ContactRule, Visit, Volunteer


@pytest.fixture
def scene(db, make_elder, make_volunteer, assign, make_user):
    staff = make_user("staff")
    volunteer = make_volunteer()
    elder = make_elder(4)
    assign(elder, volunteer)
    services.record_visit(elder, {"uuid": str(uuid.uuid4()), "kind": "home_visit",
                                  "outcome": "no_answer", "visited_at": "2026-01-01T10:00"},
                          actor=staff, volunteer=volunteer)
    sweep = alerts.start_sweep("颱風", [elder.person.village], staff, date.today())
    alert = db.session.scalar(sa.select(Alert).where(Alert.elder_id == elder.id))
    return {"elder": elder, "volunteer": volunteer, "alert": alert, "sweep": sweep,
            "staff": staff}


def test_staff_pages_render(client, scene, as_role):
    as_role("staff")
    s = scene
    name, volunteer = s["elder"].person.name, s["volunteer"].name
    # (url, heading, text the page must show about the scene)
    pages = [
        ("/visits/", "關懷訪視：待訪名單", name),
        ("/visits/?status=all&level=4", "關懷訪視：待訪名單", name),
        (f"/visits/elders/{s['elder'].id}", name, volunteer),
        (f"/visits/elders/{s['elder'].id}/record", "登錄訪視", name),
        ("/visits/volunteers", "志工", volunteer),
        ("/visits/volunteers/new", "新增志工", None),
        (f"/visits/volunteers/{s['volunteer'].id}", volunteer, name),
        (f"/visits/volunteers/{s['volunteer'].id}/edit", "編輯志工", volunteer),
        ("/visits/rules", "各關懷等級的聯繫規則", None),
        ("/visits/coverage", "關懷涵蓋率", None),
        ("/visits/alerts", "警示", name),
        (f"/visits/alerts/{s['alert'].id}", name, None),
        ("/visits/sweeps", "緊急安全關懷", "颱風"),
        (f"/visits/sweeps/{s['sweep'].id}", "颱風", name),
    ]
    for url, heading, shown in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", response.text, re.S)
        assert h1 and heading in h1.group(1), url
        assert shown is None or shown in response.text, url
    status = client.get(f"/visits/sweeps/{s['sweep'].id}/status.json").get_json()
    assert status["closed"] is False
    assert status["checks"] == [{"elder_id": s["elder"].id, "state": "pending"}]
    assert status["counts"]["pending"] == 1


def test_staff_record_a_visit_with_the_form(client, db, scene, as_role):
    as_role("staff")
    elder = scene["elder"]
    form_uuid = str(uuid.uuid4())
    data = {"uuid": form_uuid, "volunteer_id": scene["volunteer"].id, "kind": "phone_call",
            "outcome": "met_well", "visited_on": "115/01/02", "visited_time": "09:30",
            "duration_minutes": "15", "needs": ["meals"], "a_health": "concern", "notes": "ok"}
    assert client.post(f"/visits/elders/{elder.id}/record", data=data).status_code == 302
    # the same form submitted twice stores one visit
    assert client.post(f"/visits/elders/{elder.id}/record", data=data).status_code == 302
    visit = db.session.scalar(sa.select(Visit).where(Visit.uuid == form_uuid))
    assert visit.assessment == {"health": "concern"} and visit.needs == ["meals"]
    assert visit.volunteer_id == scene["volunteer"].id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Visit)
                             .where(Visit.uuid == form_uuid)) == 1
    missing = client.post(f"/visits/elders/{elder.id}/record", data={"visited_on": "x"})
    assert missing.status_code == 200 and "error-summary" in missing.get_data(as_text=True)


def test_staff_close_alert_and_edit_rules(client, db, scene, as_role):
    as_role("staff")
    alert = scene["alert"]
    response = client.post(f"/visits/alerts/{alert.id}",
                           data={"close-outcome": "found_well", "close-notes": "在醫院"})
    assert response.status_code == 302 and not alert.is_open
    response = client.post("/visits/rules", data={
        "level": "4", "l4-interval_days": "5", "l4-contacts_per_month": "6",
        "l4-counted_kinds": ["home_visit"], "l4-in_person_every_days": ""})
    assert response.status_code == 302
    assert db.session.get(ContactRule, 4).interval_days == 5


def test_assign_and_volunteer_profile(client, db, scene, as_role, make_user, make_elder):
    as_role("staff")
    user = make_user("volunteer")
    response = client.post("/visits/volunteers/new", data={
        "user_id": user.id, "name": "新志工", "phone": "0912", "care_point": "中門關懷據點",
        "villages": [scene["elder"].person.village_id], "active": "y"})
    assert response.status_code == 302
    new = db.session.scalar(sa.select(Volunteer).where(Volunteer.user_id == user.id))
    elder = make_elder(3)
    response = client.post(f"/visits/elders/{elder.id}/assign",
                           data={"primary_id": new.id, "backup_id": scene["volunteer"].id})
    assert response.status_code == 302
    row = db.session.get(Assignment, elder.id)
    assert (row.primary_id, row.backup_id) == (new.id, scene["volunteer"].id)


@pytest.mark.parametrize("url", ["/visits/", "/visits/volunteers", "/visits/alerts",
                                 "/visits/coverage", "/people", "/elders"])
def test_volunteer_is_kept_out_of_office_pages(client, scene, url):
    login(client, scene["volunteer"].user)
    assert client.get(url).status_code == 403


def test_volunteer_app_and_own_elders_only(client, scene, make_elder):
    login(client, scene["volunteer"].user)
    page = client.get("/visits/app")
    assert page.status_code == 200 and b"visits-app.js" in page.data
    assert client.get(f"/visits/elders/{scene['elder'].id}/record").status_code == 200
    stranger = make_elder(2)
    assert client.get(f"/visits/elders/{stranger.id}/record").status_code == 404
    token = client.post("/visits/app/token")
    assert token.status_code == 200 and token.get_json()["token"]


def test_staff_do_not_open_the_volunteer_app(client, as_role):
    as_role("staff")
    assert client.get("/visits/app").status_code == 403


def test_pwa_files(client):
    with client.get("/visits/sw.js") as sw:
        assert sw.status_code == 200 and sw.headers["Service-Worker-Allowed"] == "/visits/"
    manifest = client.get("/visits/manifest.webmanifest").get_json()
    assert manifest["start_url"] == "/visits/app" and len(manifest["icons"]) == 2
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as response:
            assert response.status_code == 200


def test_record_form_puts_each_message_beside_its_field(client, db, scene, as_role):
    as_role("staff")
    url = f"/visits/elders/{scene['elder'].id}/record"
    page = client.post(url, data={"visited_on": "", "visited_time": ""}).get_data(as_text=True)
    for name in ("kind", "outcome", "visited_on", "visited_time"):
        assert f'id="{name}-error"' in page, name  # beside the field
        assert f'href="#{name}"' in page, name  # and linked from the summary
    # A rule the service checks (no visits in the future) lands beside the date too.
    later = (datetime.now(UTC) + timedelta(days=3)).date().isoformat()
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Visit))
    response = client.post(url, data={
        "uuid": str(uuid.uuid4()), "volunteer_id": scene["volunteer"].id, "kind": "home_visit",
        "outcome": "met_well", "visited_on": later, "visited_time": "09:00"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    beside = page.split('id="visited_on-error"')[1].split("</span>", 2)[1]
    assert "訪視時間不能是未來" in beside
    assert 'href="#visited_on"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Visit)) == before


def test_app_page_reserves_one_card_per_elder_the_api_lists(client, scene, make_elder, assign):
    for level in (1, 2):
        assign(make_elder(level), scene["volunteer"])
    login(client, scene["volunteer"].user)
    page = client.get("/visits/app").get_data(as_text=True)
    today_list = page.split('id="today-list"')[1].split("</ul>")[0]
    all_list = page.split('id="all-list"')[1].split("</ul>")[0]
    token = client.post("/visits/app/token").get_json()["token"]
    items = client.get("/api/v1/elders?per_page=200",
                       headers={"Authorization": f"Bearer {token}"}).get_json()["items"]
    assert len(items) == 3
    assert all_list.count('class="skeleton"') == len(items)
    tasks = [i for i in items if i["task"]]
    assert tasks  # the scene's elder has a safety check open
    assert today_list.count('class="skeleton"') == len(tasks)
