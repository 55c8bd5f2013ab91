"""Judging one import row without an app: IDs, dates, villages and the optional columns."""

from datetime import date, datetime
from types import SimpleNamespace

import pytest

from welfare.roster.importer import VillageFinder, judge_row

VILLAGES = [
    SimpleNamespace(id=1, code="64000130001", name_zh="東林里", name_en="Donglin Village"),
    SimpleNamespace(id=20, code="64000130020", name_zh="仁愛里", name_en="Ren'ai Village"),
]
FINDER = VillageFinder(VILLAGES)
GOOD = {"id_number": "A123456789", "name": "王小明", "birth_date": "0491231",
        "village": "東林里", "neighbourhood": "5", "address": "林園北路1號"}


def judge(**changes):
    cells = {**GOOD, **changes}
    data, errors = judge_row(cells, FINDER, set())
    return data, dict(errors)


@pytest.mark.parametrize("raw, expected", [
    ("1141015", date(2025, 10, 15)), ("114/10/15", date(2025, 10, 15)),
    ("114.10.15", date(2025, 10, 15)), ("0991231", date(2010, 12, 31)),
    ("991231", date(2010, 12, 31)), ("114年10月15日", date(2025, 10, 15)),
    ("民國49年12月31日", date(1960, 12, 31)), ("2025-10-15", date(2025, 10, 15)),
    ("2025/10/15", date(2025, 10, 15)), ("20251015", date(2025, 10, 15)),
    (datetime(1960, 12, 31), date(1960, 12, 31)), (1141015, date(2025, 10, 15)),
    (1141015.0, date(2025, 10, 15)), ("１１４/１０/１５", date(2025, 10, 15)),
])
def test_every_date_form(raw, expected):
    data, errors = judge(birth_date=raw)
    assert errors == {} and data["birth_date"] == expected


@pytest.mark.parametrize("raw, message", [
    ("114/02/30", "not a real date"), ("1140230", "not a real date"),
    ("2025-13-01", "not a real date"), ("yesterday", "is not a date"),
    ("", "Enter the date of birth"), (None, "Enter the date of birth"),
    ("200/01/01", "cannot be in the future"),
])
def test_bad_dates_are_refused_clearly(raw, message):
    _, errors = judge(birth_date=raw)
    assert message in errors["birth_date"]


@pytest.mark.parametrize("raw", ["A123456789", "a123456789", "Ａ１２３４５６７８９",
                                 " A 123 456 789 ", "a12345-6789"])
def test_id_numbers_are_normalised(raw):
    data, errors = judge(id_number=raw)
    assert errors == {} and data["id_number"] == "A123456789"


@pytest.mark.parametrize("raw, message", [
    ("A123456788", "check digit"), ("A12345678", "one letter and nine digits"),
    ("1234567890", "one letter and nine digits"), ("", "Enter the ID number"),
])
def test_bad_id_numbers(raw, message):
    _, errors = judge(id_number=raw)
    assert message in errors["id_number"]


@pytest.mark.parametrize("raw, village_id", [
    ("東林里", 1), ("東林", 1), ("64000130001", 1), (64000130001, 1), ("Donglin Village", 1),
    ("donglin", 1), ("高雄市林園區東林里", 1), ("林園鄉東林村", 1), ("Ren'ai Village", 20),
    ("Renai", 20), ("仁愛", 20),
])
def test_villages_by_name_code_or_english(raw, village_id):
    data, errors = judge(village=raw)
    assert errors == {} and data["village_id"] == village_id


@pytest.mark.parametrize("raw, message", [
    ("火星里", "not a village of the district"), ("64000130099", "not a village"),
    ("", "Enter the village"),
])
def test_unknown_villages(raw, message):
    _, errors = judge(village=raw)
    assert message in errors["village"]


def test_village_outside_the_users_villages():
    _, errors = judge_row(dict(GOOD), FINDER, {20})
    assert "your own villages" in dict(errors)["village"]


@pytest.mark.parametrize("raw, expected, ok", [
    ("5", 5, True), (5, 5, True), (5.0, 5, True), ("05", 5, True), ("12鄰", 12, True),
    ("", None, True), ("0", None, False), ("100", None, False), ("五", None, False),
    ("3.5", None, False),
])
def test_neighbourhood_is_1_to_99(raw, expected, ok):
    data, errors = judge(neighbourhood=raw)
    assert ("neighbourhood" not in errors) is ok
    assert data.get("neighbourhood") == expected


def test_name_is_required_and_trimmed():
    assert "Enter the name" in judge(name="  ")[1]["name"]
    assert judge(name=" 王  小明 ")[0]["name"] == "王 小明"
    assert "longer than 60" in judge(name="王" * 61)[1]["name"]


@pytest.mark.parametrize("raw, expected", [
    ("男", "M"), ("女", "F"), ("M", "M"), ("f", "F"), ("1", "M"), ("2", "F"), ("Female", "F"),
])
def test_sex_column(raw, expected):
    assert judge(sex=raw)[0]["sex"] == expected


def test_sex_derived_from_the_id_number_when_absent():
    assert judge()[0]["derived_sex"] == "M"
    assert judge(id_number="A223456781")[0]["derived_sex"] == "F"
    assert "男 or 女" in judge(sex="X")[1]["sex"]


@pytest.mark.parametrize("raw, expected", [
    ("是", True), ("否", False), ("Y", True), ("n", False), ("1", True), ("0", False),
    ("true", True), ("FALSE", False), (1, True), ("", None),
])
def test_indigenous_flags(raw, expected):
    assert judge(indigenous=raw)[0].get("indigenous") == expected


def test_indigenous_nonsense_is_refused():
    assert "是 or 否" in judge(indigenous="maybe")[1]["indigenous"]


@pytest.mark.parametrize("cells, expected", [
    ({"phone": "07-6411111"}, {"phone": "07-6411111"}),
    ({"phone": "0912345678"}, {"mobile": "0912345678"}),
    ({"phone": 912345678}, {"mobile": "0912345678"}),
    ({"mobile": "0912-345-678", "phone": "0933000111"}, {"mobile": "0912-345-678"}),
    ({"phone": ""}, {}),
])
def test_phones(cells, expected):
    data, _ = judge(**cells)
    assert {k: data[k] for k in ("phone", "mobile") if k in data} == expected


def test_registered_on_is_optional_but_checked():
    assert judge(registered_on="080/01/15")[0]["registered_on"] == date(1991, 1, 15)
    assert "registered_on" not in judge(registered_on="")[0]
    assert "not a real date" in judge(registered_on="080/02/31")[1]["registered_on"]


def test_blank_optional_cells_are_left_out():
    data, _ = judge(address="", neighbourhood="")
    assert "address" not in data and "neighbourhood" not in data
