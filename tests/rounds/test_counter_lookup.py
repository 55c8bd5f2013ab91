"""The counter: a mistyped ID number is called what it is, and a person can be found by name
and date of birth (ROC or AD) within the round and the clerk's villages."""

from datetime import date

from welfare.core.rocdate import format_roc


def counter(client, round_, **args):
    response = client.get(f"/rounds/{round_.id}/counter", query_string=args)
    assert response.status_code == 200
    return response.data.decode()


def test_a_wrong_check_digit_is_named(client, as_role, approved_round, elders):
    as_role("staff")
    page = counter(client, approved_round, q="A123456788")
    assert "檢查碼" in page and 'aria-invalid="true"' in page
    assert "<details class=\"more-filters\" open>" in page  # the name search is offered
    valid_but_absent = counter(client, approved_round, q="A123456789")
    assert "檢查碼" not in valid_but_absent and "本梯次沒有" in valid_but_absent
    nonsense = counter(client, approved_round, q="12345")
    assert "檢查碼" not in nonsense and "英文字母加九位數字" in nonsense


def test_find_by_name_and_roc_or_ad_birth_date(client, as_role, approved_round, elders):
    as_role("staff")
    ninety = elders["ninety"]
    for birth in (format_roc(ninety.birth_date), ninety.birth_date.isoformat(),
                  format_roc(ninety.birth_date, "compact")):
        page = counter(client, approved_round, name=ninety.name, birth=birth)
        assert "person-card" in page and ninety.name in page, birth
        assert f"/rounds/{approved_round.id}/entries/" in page  # the one-tap form
    part = counter(client, approved_round, name=ninety.name[:2], birth=format_roc(
        ninety.birth_date))
    assert "person-card" in part
    wrong_day = counter(client, approved_round, name=ninety.name, birth="19/01/03")
    assert "person-card" not in wrong_day and "0 人" in wrong_day


def test_several_matches_are_listed(client, as_role, make_round, make_person, elders):
    twin_a = make_person(name="林阿玉", birth_date=date(1940, 6, 1))
    twin_b = make_person(name="林阿玉珠", birth_date=date(1940, 6, 1))
    round_ = make_round(status="approved")
    as_role("staff")
    page = counter(client, round_, name="林阿玉", birth="29/06/01")
    assert "2 人" in page and twin_a.name in page and twin_b.name in page
    assert "person-card" not in page


def test_both_name_and_birth_date_are_needed(client, as_role, approved_round, elders):
    as_role("staff")
    page = counter(client, approved_round, name=elders["ninety"].name)
    assert "person-card" not in page and "請輸入出生日期" in page
    bad = counter(client, approved_round, name=elders["ninety"].name, birth="19/02/30")
    assert "person-card" not in bad and 'aria-invalid="true"' in bad


def test_the_name_search_keeps_to_the_clerks_villages(client, as_role, approved_round, elders,
                                                      villages):
    as_role("staff", villages=[villages[1]])
    ninety = elders["ninety"]
    page = counter(client, approved_round, name=ninety.name,
                   birth=format_roc(ninety.birth_date))
    assert "person-card" not in page and "查到 0 人" in page
    assert ninety.id_number[:4] not in page.split("</details>")[1]
