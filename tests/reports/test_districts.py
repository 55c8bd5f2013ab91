"""Statistics in a city bureau's deployment of two districts (高雄市林園區 and 那瑪夏區): a
district filter, a figure per district with the city-wide total, and each district's staff
kept to their own district."""

import io
import itertools
import random
from datetime import date

import openpyxl
import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from config import TestConfig
from tests.conftest import PASSWORD, dispose, login
from tests.live import fresh_database
from welfare import create_app
from welfare.auth.models import User
from welfare.core import idno
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.reports import cache, dashboard
from welfare.roster.models import Person
from welfare.roster.reference import ensure_reference_data

LINYUAN, NAMAXIA = "64000130", "64000380"
TODAY = date(2025, 10, 15)


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """The app, its users by name, and how many people (and seniors) each district has."""
    url, drop = fresh_database(tmp_path_factory.mktemp("city"), "city")
    config = type("City", (TestConfig,), {
        "SQLALCHEMY_DATABASE_URI": url, "WELFARE_DISTRICT": f"{LINYUAN},{NAMAXIA}",
        "REPORTS_CACHE_SECONDS": 0})
    app = create_app(config)
    rng, serial = random.Random(3), itertools.count(1)
    with app.app_context():
        db.create_all()
        with db.engine.begin() as conn:
            ensure_reference_data(conn)
        villages = db.session.scalars(sa.select(Village).order_by(Village.code)).all()
        expected = {LINYUAN: [0, 0], NAMAXIA: [0, 0]}
        for village in villages:
            for _n in range(rng.randint(1, 4)):
                born = date(rng.choice([1940, 1955, 1970, 1990]), 5, 17)
                db.session.add(Person(
                    id_number=idno.generate(rng=rng), name=f"測試{next(serial)}", sex="F",
                    birth_date=born, village_id=village.id, neighbourhood=1,
                    address="中山路1號", status="registered"))
                expected[village.code[:8]][0] += 1
                expected[village.code[:8]][1] += born.year <= 1960
        users = {}
        for name, role, chosen in [
            ("cityadmin", "admin", []),
            ("namaxia", "staff", [v for v in villages if v.code.startswith(NAMAXIA)]),
            ("twoplaces", "staff", [villages[0], villages[-1]]),
        ]:
            user = User(username=name, role=role, display_name=name)
            user.set_password(PASSWORD)
            user.villages = chosen
            db.session.add(user)
        db.session.commit()
        users = {u.username: u.id for u in db.session.scalars(sa.select(User))}
        cache.clear()
    yield app, users, expected
    with app.app_context():
        db.session.remove()
        db.drop_all()
    dispose(app)
    drop()


def figures_for(city, username, **args):
    app, users, _expected = city
    with app.test_request_context("/"):
        user = db.session.get(User, users[username])
        scope = dashboard.scope_for(MultiDict(args), user, today=TODAY)
        found = {f.key: f for f in dashboard.all_figures(scope)}
        return scope, found, dashboard.selectable_districts(user)


def test_the_bureau_sees_each_district_and_the_city_wide_total(city):
    _app, _users, expected = city
    scope, figures, districts = figures_for(city, "cityadmin")
    assert [code for code, _name in districts] == [LINYUAN, NAMAXIA]
    table = figures["districts"]
    rows = {r["code"]: r for r in table.rows}
    assert [r["district"] for r in table.rows] == ["林園區", "那瑪夏區"]
    assert rows[LINYUAN]["villages"] == 24 and rows[NAMAXIA]["villages"] == 3
    for code, (people, seniors) in expected.items():
        assert (rows[code]["people"], rows[code]["seniors"]) == (people, seniors)
    assert table.total["district"] == "全市合計"
    assert table.total["people"] == sum(p for p, _s in expected.values())
    assert table.total["people"] == figures["villages"].total["people"]
    # Village names carry their district when the table spans several.
    assert figures["villages"].rows[0]["village"] == "林園區東林里"
    assert figures["villages"].rows[-1]["village"].startswith("那瑪夏區")


def test_the_district_filter_narrows_every_figure(city):
    _app, _users, expected = city
    scope, figures, _districts = figures_for(city, "cityadmin", district=NAMAXIA)
    assert "districts" not in figures  # one district: its villages are the breakdown
    assert len(figures["villages"].rows) == 3
    assert figures["villages"].total["people"] == expected[NAMAXIA][0]
    assert not figures["villages"].rows[0]["village"].startswith("那瑪夏區")
    # An unknown or malformed district code changes nothing.
    for code in ("99999999", "6400013", "64000130%"):
        _scope, wider, _d = figures_for(city, "cityadmin", district=code)
        assert len(wider["villages"].rows) == 27


def test_a_district_clerk_sees_only_their_district(city):
    _app, _users, expected = city
    scope, figures, districts = figures_for(city, "namaxia", district=LINYUAN)
    assert districts == [] and "districts" not in figures
    assert figures["villages"].total["people"] == expected[NAMAXIA][0]
    assert {r["village"][:1] for r in figures["villages"].rows} <= set("達南瑪")


def test_staff_of_villages_in_two_districts_get_their_total_not_the_citys(city):
    _scope, figures, districts = figures_for(city, "twoplaces")
    assert [code for code, _name in districts] == [LINYUAN, NAMAXIA]
    table = figures["districts"]
    assert [r["villages"] for r in table.rows] == [1, 1]
    assert table.total["district"] == "以上各區合計"
    assert table.total["people"] == figures["villages"].total["people"]


def test_the_page_offers_the_districts_and_downloads_the_total(city):
    app, users, expected = city
    client = app.test_client()
    with app.app_context():
        login(client, db.session.get(User, users["cityadmin"]))
    page = client.get(f"/reports?district={NAMAXIA}").text
    assert '<select id="f-district" name="district">' in page
    assert f'<option value="{NAMAXIA}" selected>那瑪夏區</option>' in page
    assert "行政區：那瑪夏區。" in page and '<optgroup label="林園區">' in page
    whole = client.get("/reports").text
    assert 'id="fig-districts"' in whole and "全市合計" in whole
    book = openpyxl.load_workbook(io.BytesIO(client.get("/reports/districts.xlsx").data))
    last = [c.value for c in list(book.active.iter_rows())[-1]]
    assert last[0] == "全市合計" and last[2] == sum(p for p, _s in expected.values())
    english = client.get("/reports?lang=en").text
    assert "City-wide" in english and "Donglin Village, Linyuan District" in english
    assert ">Namaxia District</option>" in english
    client.get("/reports?lang=zh_Hant_TW")
    mapped = client.get(f"/reports/map?district={LINYUAN}")
    table = mapped.text.split("<table")[1]
    assert mapped.status_code == 200 and "東林里" in table
    assert "那瑪夏" not in table and "Namaxia" not in table
