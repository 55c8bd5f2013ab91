"""A goods round's pages, 印領清冊 and closing report speak of goods, never of money."""

import re
from dataclasses import replace
from datetime import date

import pytest
import sqlalchemy as sa

from welfare.geo.models import Village
from welfare.rounds import services, sheets
from welfare.rounds.models import RoundEntry
from welfare.rounds.rules import Tier

from .test_sheets import pdf_text

MONEY = re.compile(r"NT\$|金額|元（|新臺幣|壹|貳|參|肆|伍|陸|柒|捌|玖")


@pytest.fixture
def goods_round(make_round, elders):
    rules = services.new_round_data("dragon_boat", date.today().year)["rules"]
    return make_round(status="approved", name="115年端午節敬老米", kind="goods",
                      goods_name="米", goods_unit="包",
                      rules=replace(rules, tiers=(Tier(65, 89, 2), Tier(90, None, 3))))


def test_the_goods_sheet_shows_goods_and_quantities(app, db, goods_round, tmp_path):
    village = db.session.scalar(sa.select(Village).order_by(Village.code))
    with app.test_request_context():
        text = pdf_text(tmp_path, sheets.render_sheet(sheets.village_sheet(goods_round,
                                                                           village)))
    assert "115年端午節敬老米印領清冊" in text
    assert "品項／數量" in text and "米 2 包" in text and "米 3 包" in text
    assert "本頁小計 3 人" in text and "8 包" in text
    assert "共計 3 人，品項 米（數量合計 8 包）" in text
    assert "承辦人" in text and not MONEY.search(text), MONEY.search(text)


def test_goods_pages_speak_of_goods(client, as_role, db, goods_round, elders):
    as_role("staff")
    entry = db.session.scalar(sa.select(RoundEntry).where(
        RoundEntry.round_id == goods_round.id, RoundEntry.person_id == elders["ninety"].id))
    rid = goods_round.id
    pages = {path: client.get(path) for path in (
        "/rounds/", f"/rounds/{rid}", f"/rounds/{rid}/progress", f"/rounds/{rid}/sheets",
        f"/rounds/{rid}/counter?q={entry.token}", f"/rounds/{rid}/entries/{entry.id}",
        f"/rounds/{rid}/close")}
    for path, response in pages.items():
        assert response.status_code == 200, path
    show = pages[f"/rounds/{rid}"].text
    assert "米 8 包" in show and "品項／數量" in show and "NT$" not in show
    counter = pages[f"/rounds/{rid}/counter?q={entry.token}"].text
    assert "本人領取物品：米 3 包" in counter and "代領物品" in counter
    assert "NT$" not in counter and "金額" not in counter
    entry_page = pages[f"/rounds/{rid}/entries/{entry.id}"].text
    assert 'value="bank"' not in entry_page and "本人領取物品" in entry_page
    assert "轉帳檔" in pages[f"/rounds/{rid}/sheets"].text  # "no bank transfer files"
    assert "bank/post_office.csv" not in pages[f"/rounds/{rid}/sheets"].text
    assert "NT$" not in pages[f"/rounds/{rid}/progress"].text
    assert "NT$" not in pages[f"/rounds/{rid}/close"].text
    # The one tap hands over the goods, and the notice says what.
    response = client.post(f"/rounds/{rid}/entries/{entry.id}/paid")
    assert "已發放：米 3 包" in client.get(response.location).text
    assert client.get(f"/rounds/{rid}/bank/post_office.csv").status_code == 302


def test_the_closing_report_counts_goods(client, as_role, db, goods_round, make_user,
                                         tmp_path):
    services.close_round(goods_round, make_user("staff"), date.today(), early=True)
    as_role("staff")
    response = client.get(f"/rounds/{goods_round.id}/closing-report.pdf")
    text = pdf_text(tmp_path, response.data)
    assert "名冊數量" in text and "（包）" in text and "本人領取物品" in text
    assert "未發放 3 人，品項 米（數量合計 8 包）" in text
    assert not MONEY.search(text), MONEY.search(text)


def test_home_delivery_notices_name_the_goods(client, as_role, db, goods_round, elders,
                                              tmp_path):
    as_role("staff")
    code = db.session.scalar(sa.select(Village.code).order_by(Village.code))
    response = client.get(f"/rounds/{goods_round.id}/notices/{code}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(tmp_path, response.data)
    assert elders["hundred"].name in text and "115年端午節敬老米（米 3 包）" in text
    assert "新臺幣" not in text and "元（" not in text
