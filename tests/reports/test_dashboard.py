"""The dashboard's roster figures equal counts made person by person."""

import io
import re

import openpyxl
import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from tests.reports.conftest import TODAY, expected_low_income, expected_people, on_roster
from welfare.auth.models import AuditLog
from welfare.reports import dashboard
from welfare.reports.rules import senior_bands


def _scope(user=None, **args):
    return dashboard.scope_for(MultiDict(args), user, today=TODAY)


def _figure(scope, key):
    return next(f for f in dashboard.all_figures(scope) if f.key == key)


def test_by_village_matches_independent_counts(roster):
    scope = _scope()
    figure = _figure(scope, "villages")
    people = expected_people(roster["people"], TODAY)
    _homes, low_people = expected_low_income(roster["households"], roster["people"], TODAY)
    elders = {}
    for p in roster["people"]:
        if p.elder is not None and p.elder.active and on_roster(p, TODAY):
            elders[p.village_id] = elders.get(p.village_id, 0) + 1
    rows = {r["village_id"]: r for r in figure.rows}
    assert len(rows) == 24
    for village_id, row in rows.items():
        assert row["people"] == sum(n for k, n in people.items() if k[0] == village_id)
        assert row["seniors"] == sum(n for k, n in people.items()
                                     if k[0] == village_id and k[1] in senior_bands())
        assert row["low"] == low_people.get((village_id, "low"), 0)
        assert row["mid_low"] == low_people.get((village_id, "mid_low"), 0)
        assert row["elders"] == elders.get(village_id, 0)
    assert figure.total["people"] == sum(people.values())
    assert figure.total["people"] > 100


def test_age_sex_and_categories_match(roster):
    scope = _scope()
    people = expected_people(roster["people"], TODAY)
    figure = _figure(scope, "age_sex")
    for row in figure.rows:
        assert row["M"] == sum(n for k, n in people.items() if k[1] == row["band"] and k[2] == "M")
        assert row["F"] == sum(n for k, n in people.items() if k[1] == row["band"] and k[2] == "F")
    assert figure.total["total"] == sum(people.values())
    homes, persons = expected_low_income(roster["households"], roster["people"], TODAY)
    cats = {r["key"]: r["count"] for r in _figure(scope, "categories").rows}
    assert cats["low_households"] == sum(n for k, n in homes.items() if k[1] == "low")
    assert cats["mid_low_people"] == sum(n for k, n in persons.items() if k[1] == "mid_low")
    assert cats["seniors"] == sum(n for k, n in people.items() if k[1] in senior_bands())
    active = [p for p in roster["people"] if p.elder and p.elder.active and on_roster(p, TODAY)]
    for level in range(1, 5):
        assert cats[f"elders_{level}"] == sum(1 for p in active if p.elder.care_level == level)
    # A status ending today is still current today; one starting next month is not yet.
    assert cats["low_households"] + cats["mid_low_households"] == 10


def test_past_period_counts_people_as_they_were(roster):
    scope = _scope(start="2025-01", end="2025-03")
    assert scope.as_of.isoformat() == "2025-03-31"
    people = expected_people(roster["people"], scope.as_of)
    assert _figure(scope, "villages").total["people"] == sum(people.values())


def test_village_filter_and_trends(roster):
    village = roster["villages"][1]
    scope = _scope(village=village.code, start="2025-01", end="2025-12")
    figure = _figure(scope, "villages")
    assert [r["village_id"] for r in figure.rows] == [village.id]
    trends = _figure(scope, "trends")
    months = {r["month"]: r for r in trends.rows}
    assert len(months) == 12
    begun = ended = 0
    for h in roster["households"]:
        if h.village_id != village.id:
            continue
        for s in h.statuses:
            begun += s.certified_from.year == 2025
            ended += s.certified_until.year == 2025 and s.certified_until < TODAY
    assert trends.total["new_status"] == begun
    assert trends.total["ended_status"] == ended
    assert months["2025-06"]["new_status"] == sum(
        1 for h in roster["households"] if h.village_id == village.id
        for s in h.statuses if s.certified_from.isoformat().startswith("2025-06"))


def test_staff_limited_to_a_village_sees_only_it(roster, make_user):
    village = roster["villages"][2]
    user = make_user("staff", villages=[village])
    scope = _scope(user=user, village=roster["villages"][0].code)
    assert scope.village_ids == {village.id}
    rows = _figure(scope, "villages").rows
    assert [r["village_id"] for r in rows] == [village.id]


@pytest.mark.parametrize("role", ["volunteer", "serviceman"])
def test_field_roles_may_not_open_statistics(client, as_role, role):
    as_role(role)
    assert client.get("/reports").status_code == 403
    assert client.get("/reports/map").status_code == 403
    assert client.get("/reports/villages.xlsx").status_code == 403


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get("/reports")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["admin", "staff", "supervisor"])
def test_dashboard_page_shows_the_numbers(client, as_role, roster, role):
    as_role(role)
    response = client.get("/reports?start=2025-01&end=2025-10")
    assert response.status_code == 200
    total = _figure(_scope(start="2025-01", end="2025-10"), "villages").total["people"]
    assert f">{total:,}<" in response.text
    assert response.text.count("<svg") >= 4
    assert 'role="img"' in response.text
    assert not re.search(r'<script[^>]+src="https?://', response.text)


def test_xlsx_export_has_the_table_and_is_audited(client, as_role, roster, db):
    user = as_role("staff")
    response = client.get("/reports/age_sex.xlsx?start=2025-01&end=2025-10")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheet = book.active
    values = list(sheet.values)
    figure = _figure(_scope(start="2025-01", end="2025-10"), "age_sex")
    assert len(values) == 1 + len(figure.rows) + 1
    assert values[-1][3] == figure.total["total"]
    logged = db.session.scalars(sa.select(AuditLog).where(AuditLog.user_id == user.id,
                                                          AuditLog.action == "export")).all()
    assert len(logged) == 1 and "age_sex" in logged[0].summary


def test_unknown_figure_is_404(client, as_role):
    as_role("staff")
    assert client.get("/reports/nothing.xlsx").status_code == 404


def test_map_is_drawn_without_other_hosts(client, as_role, roster):
    as_role("staff")
    response = client.get("/reports/map?measure=villages.people")
    assert response.status_code == 200
    html = response.text
    assert "leaflet" in html.lower()
    assert not re.search(r'<(script|link)[^>]+(src|href)="(https?:)?//', html)
    assert "林園里" in html or "Linyuan" in html


def test_other_counts_are_shared_between_requests_for_the_cache_time(app, roster, db):
    from welfare.reports import cache
    from welfare.roster.models import LowIncomeStatus

    app.config["REPORTS_CACHE_SECONDS"] = 60
    household = roster["households"][0]
    try:
        cache.clear()
        first = _figure(_scope(start="2025-01", end="2025-12"), "trends").total["new_status"]
        db.session.add(LowIncomeStatus(household_id=household.id, kind="low",
                                       certified_from=TODAY.replace(day=1),
                                       certified_until=TODAY.replace(month=12, day=31)))
        db.session.flush()
        scope = _scope(start="2025-01", end="2025-12")
        assert _figure(scope, "trends").total["new_status"] == first  # kept
        assert scope.computed_at is not None
        cache.clear()
        assert _figure(_scope(start="2025-01", end="2025-12"),
                       "trends").total["new_status"] == first + 1
    finally:
        app.config.pop("REPORTS_CACHE_SECONDS")
        cache.clear()


def test_cache_round_trips_through_json():
    from welfare.reports import cache

    value = {(1, "65-74", "M", None, 2): 5, (2, "0-14", "F", "low", None): 7}
    assert cache.decode(cache.encode(value)) == value
    assert cache.decode(cache.encode({(1, 2, "elder"): (3, 4500)})) == {(1, 2, "elder"): (3, 4500)}


def test_shared_cache_in_redis(app, roster, db):
    import redis

    from welfare.reports import cache
    from welfare.roster.models import LowIncomeStatus

    url = "redis://127.0.0.1:6379/13"
    try:
        redis.from_url(url).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    app.config.update(REPORTS_CACHE_SECONDS=60, REDIS_URL=url)
    months = {"start": "2025-01", "end": "2025-12"}
    try:
        cache.clear()
        whole = _figure(_scope(**months), "trends").total["new_status"]
        db.session.add(LowIncomeStatus(household_id=roster["households"][0].id, kind="low",
                                       certified_from=TODAY.replace(day=1),
                                       certified_until=TODAY.replace(month=12, day=31)))
        db.session.flush()
        assert _figure(_scope(**months), "trends").total["new_status"] == whole  # kept
        assert list(redis.from_url(url).scan_iter(cache.PREFIX + "*"))
        cache.clear()
        assert _figure(_scope(**months), "trends").total["new_status"] == whole + 1
    finally:
        cache.clear()
        app.config.update(REDIS_URL="")
        app.config.pop("REPORTS_CACHE_SECONDS")
