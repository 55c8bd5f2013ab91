"""Village names as registers write them (county and town first, old 鄉/村 names, 鎮 and 市
towns), and names two districts of one deployment share: 仁愛里 is a village of both
高雄市林園區 and 宜蘭縣羅東鎮."""

from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from tests.conftest import dispose
from tests.data.roster_files import write_csv
from tests.live import fresh_database, live_app
from welfare.core import idno
from welfare.extensions import db
from welfare.geo import atlas
from welfare.geo.models import Village
from welfare.roster.importer import VillageFinder, import_file, judge_row, split_town
from welfare.roster.models import Person

LINYUAN, LUODONG, XIULIN, TAITUNG = "64000130", "10002020", "10015110", "10014010"


def finder_for(*towns):
    villages = [SimpleNamespace(id=n, **{k: row[k] for k in ("code", "name_zh", "name_en")})
                for n, row in enumerate(
                    (r for town in towns for r in atlas.village_rows(town)), start=1)]
    return VillageFinder(villages), {v.id: v for v in villages}


def code_of(finder_and_villages, text, address=""):
    finder, villages = finder_and_villages
    found = finder.find(text, address)
    return None if found is None else villages[found].code


@pytest.mark.parametrize("text, expected", [
    ("秀林村", "秀林"), ("秀林", "秀林"), ("花蓮縣秀林鄉秀林村", "秀林"), ("秀林鄉秀林村", "秀林"),
    ("花蓮縣秀林鄉富世村", "富世"), ("臺東縣臺東市中正里", "中正"), ("台東縣台東市中正里", "中正"),
    ("臺東市中正里", "中正"), ("宜蘭縣羅東鎮仁愛里", "仁愛"), ("高雄縣林園鄉東林村", "東林"),
    ("832高雄市林園區林園里", "林園"), ("Xiulin Village", "秀林"), ("Fushi", "富世"),
])
def test_names_with_county_and_town_prefixes(text, expected):
    pair = finder_for(XIULIN, TAITUNG, LUODONG, LINYUAN)
    code = code_of(pair, text)
    assert code is not None, text
    assert pair[1][pair[0].find(text)].name_zh.startswith(expected)


def test_a_town_outside_the_deployment_is_not_taken_for_one_inside():
    pair = finder_for(XIULIN)
    assert code_of(pair, "花蓮縣秀林鄉秀林村").startswith(XIULIN)
    # 秀林里 of 新北市永和區 shares the name: named with its town it is not Xiulin's.
    assert code_of(pair, "新北市永和區秀林里") is None
    assert code_of(pair, "永和區秀林里") is None


def test_split_town_finds_the_town_under_old_and_new_names():
    assert split_town("高雄縣林園鄉東林村") == ((LINYUAN,), "東林村")
    assert split_town("高雄市林園區東林里") == ((LINYUAN,), "東林里")
    assert split_town("宜蘭縣羅東鎮仁愛里5鄰") == ((LUODONG,), "仁愛里5鄰")
    assert split_town("950臺東縣臺東市中正里") == ((TAITUNG,), "中正里")
    # Without its county 中正區 is a district of both 臺北市 and 基隆市.
    towns, rest = split_town("中正區忠勤里")
    assert len(towns) == 2 and rest == "忠勤里"
    assert split_town("東林里") == ((), "東林里")
    assert split_town("") == ((), "")


def test_a_shared_name_is_resolved_by_the_town_in_the_cell_or_the_address():
    pair = finder_for(LINYUAN, LUODONG)
    finder, villages = pair
    assert code_of(pair, "高雄市林園區仁愛里").startswith(LINYUAN)
    assert code_of(pair, "羅東鎮仁愛里").startswith(LUODONG)
    assert code_of(pair, "仁愛里", "265宜蘭縣羅東鎮仁愛里3鄰中正路1號").startswith(LUODONG)
    assert code_of(pair, "仁愛", "高雄市林園區仁愛里林園北路2號").startswith(LINYUAN)
    # A name only one district has needs no town.
    assert code_of(pair, "東林里").startswith(LINYUAN)
    village_id, candidates = finder.resolve("仁愛里", "中正路1號")
    assert village_id is None
    assert sorted(v.code[:8] for v in candidates) == [LUODONG, LINYUAN]


def test_the_importer_names_the_candidates_when_nothing_names_the_town(app):
    pair = finder_for(LINYUAN, LUODONG)
    cells = {"id_number": "A123456789", "name": "王小明", "birth_date": "0400101",
             "village": "仁愛里", "neighbourhood": "3", "address": "中正路1號"}
    with app.test_request_context("/"):
        data, errors = judge_row(cells, pair[0], set())
        assert [k for k, _m in errors] == ["village"]
        message = errors[0][1]
        assert "高雄市林園區仁愛里（64000130" in message
        assert "宜蘭縣羅東鎮仁愛里（10002020" in message
        assert "仁愛里" in message and "例如" in message
        data, errors = judge_row({**cells, "address": "宜蘭縣羅東鎮仁愛里中正路1號"},
                                 pair[0], set())
        assert errors == [] and pair[1][data["village_id"]].code.startswith(LUODONG)


@pytest.fixture(scope="module")
def two_counties(tmp_path_factory):
    """A deployment of 高雄市林園區 and 宜蘭縣羅東鎮 over its own database."""
    url, drop = fresh_database(tmp_path_factory.mktemp("counties"), "counties")
    other = live_app(url, WELFARE_DISTRICT=f"{LINYUAN},{LUODONG}")
    yield other
    with other.app_context():
        db.drop_all()
    dispose(other)
    drop()


def test_an_import_into_two_counties_places_each_row_in_its_district(two_counties, tmp_path):
    rows = [
        [idno.generate(), "羅東人", "0400101", "宜蘭縣羅東鎮仁愛里", "3", "中正路1號", "男", ""],
        [idno.generate(), "林園人", "0400101", "仁愛里", "5", "832高雄市林園區仁愛里仁愛路5號",
         "女", ""],
        [idno.generate(), "不明人", "0400101", "仁愛里", "1", "中正路9號", "女", ""],
        [idno.generate(), "東林人", "0400101", "高雄縣林園鄉東林村", "2", "東林西路1號", "男", ""],
    ]
    path = write_csv(tmp_path / "two.csv", rows)
    with two_counties.test_request_context("/"):
        result = import_file(path)
        assert [(e["row"], e["field"]) for e in result.errors] == [(4, "village")]
        assert "高雄市林園區仁愛里" in result.errors[0]["message"]
        assert "宜蘭縣羅東鎮仁愛里" in result.errors[0]["message"]
        placed = dict(db.session.execute(sa.select(Person.name, Village.code).join(
            Village, Person.village_id == Village.id)).all())
        assert placed["羅東人"].startswith(LUODONG) and placed["林園人"].startswith(LINYUAN)
        assert placed["東林人"].startswith(LINYUAN) and "不明人" not in placed
