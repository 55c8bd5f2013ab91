"""Pages: who may open them, and the counter flow through the web."""

import re
from datetime import date

import pytest
import sqlalchemy as sa

from welfare.rounds.models import Payout, Round, RoundEntry


def entry_of(db, round_, person):
    return db.session.scalar(sa.select(RoundEntry).where(RoundEntry.round_id == round_.id,
                                                         RoundEntry.person_id == person.id))


@pytest.mark.parametrize("role", ["volunteer", "serviceman"])
def test_field_roles_are_refused(client, as_role, approved_round, role):
    as_role(role)
    for path in ("/rounds/", f"/rounds/{approved_round.id}",
                 f"/rounds/{approved_round.id}/counter", f"/rounds/{approved_round.id}/progress"):
        assert client.get(path).status_code == 403, path


def test_supervisor_cannot_record_payouts(client, as_role, approved_round, db, elders):
    as_role("supervisor")
    entry = entry_of(db, approved_round, elders["ninety"])
    assert client.get(f"/rounds/{approved_round.id}/counter").status_code == 403
    assert client.post(f"/rounds/{approved_round.id}/entries/{entry.id}/paid").status_code == 403


def test_staff_cannot_approve(client, as_role, make_round, elders):
    round_ = make_round(status="frozen")
    as_role("staff")
    assert client.post(f"/rounds/{round_.id}/approve").status_code == 403


def test_pages_render(client, as_role, approved_round, elders):
    as_role("staff")
    rid = approved_round.id
    headings = {"/rounds/": "敬老禮金", f"/rounds/{rid}": approved_round.name,
                f"/rounds/{rid}/preview": "符合資格名單", f"/rounds/{rid}/counter": "發放櫃台",
                f"/rounds/{rid}/progress": "進度", f"/rounds/{rid}/changes": "凍結後異動",
                f"/rounds/{rid}/sheets": "清冊與檔案", f"/rounds/{rid}/upload": "回填清冊",
                f"/rounds/{rid}/close": "結案", "/rounds/new": "建立新梯次",
                f"/rounds/{rid}/copy": "以此梯次為範本建立新梯次"}
    for path, heading in headings.items():
        response = client.get(path)
        assert response.status_code == 200, path
        h1 = re.search(r"<h1[^>]*>(.*?)</h1>", response.text, re.S)
        assert h1 and heading in h1.group(1), path
        if path != "/rounds/new":
            assert approved_round.name in response.text, path
    # the preview lists the eligible and leaves out the ineligible
    preview = client.get(f"/rounds/{rid}/preview").text
    assert elders["ninety"].name in preview and elders["hundred"].name in preview
    assert elders["too_young"].name not in preview and elders["gone"].name not in preview


def test_prepare_a_round_through_the_form(client, as_role, db, elders):
    as_role("staff")
    page = client.get("/rounds/new")
    assert page.status_code == 200
    form = {"name": "115年端午", "festival": "dragon_boat", "year": "2026",
            "payout_start": "115/06/01", "payout_end": "115/06/30", "late_claim_end": "",
            "reference_date": "115/12/31", "born_by_general": "50/12/31",
            "born_by_indigenous": "60/12/31", "registered_by": "", "still_registered_on": "",
            "tier-0-min": "65", "tier-0-max": "", "tier-0-amount": "1,000"}
    response = client.post("/rounds/new", data=form)
    assert response.status_code == 302, response.data.decode()[:2000]
    created = db.session.scalar(sa.select(Round).where(Round.name == "115年端午"))
    assert created is not None and created.status == "draft"
    assert response.headers["Location"].endswith(f"/rounds/{created.id}/preview")
    assert (created.payout_start, created.payout_end) == (date(2026, 6, 1), date(2026, 6, 30))
    assert [(t.min_age, t.amount) for t in created.rules.tiers] == [(65, 1000)]
    bad = dict(form, name="115年端午 錯誤", **{"tier-0-amount": "zero"})
    refused = client.post("/rounds/new", data=bad)
    assert refused.status_code == 200
    assert "error-summary" in refused.text
    assert db.session.scalar(sa.select(sa.func.count(Round.id))
                             .where(Round.name == "115年端午 錯誤")) == 0


def test_counter_lookup_and_one_tap(client, as_role, db, approved_round, elders):
    as_role("staff")
    entry = entry_of(db, approved_round, elders["ninety"])
    rid = approved_round.id
    page = client.get(f"/rounds/{rid}/counter", query_string={"q": entry.token})
    assert entry.name in page.data.decode()
    by_id = client.get(f"/rounds/{rid}/counter",
                       query_string={"q": entry.id_number.lower()})
    assert entry.name in by_id.data.decode()
    assert client.post(f"/rounds/{rid}/entries/{entry.id}/paid").status_code == 302
    assert client.post(f"/rounds/{rid}/entries/{entry.id}/paid").status_code == 302
    effective = db.session.scalars(sa.select(Payout).where(
        Payout.entry_id == entry.id, Payout.reversed_at.is_(None))).all()
    assert [p.outcome for p in effective] == ["elder"]
    missing = client.get(f"/rounds/{rid}/counter", query_string={"q": "A123456789"})
    assert "aria-invalid" in missing.data.decode()


def test_one_tap_notice_comes_from_the_payout_not_the_session(client, as_role, db,
                                                            approved_round, elders):
    as_role("staff")
    rid = approved_round.id
    entry = entry_of(db, approved_round, elders["hundred"])
    cookie = client.get_cookie("session").value
    response = client.post(f"/rounds/{rid}/entries/{entry.id}/paid")
    payout = db.session.scalar(sa.select(Payout).where(Payout.entry_id == entry.id))
    assert response.headers["Location"].endswith(f"/rounds/{rid}/counter?paid={payout.id}")
    # no flash kept in the cookie: clerks who tap quickly do not grow every request
    assert len(client.get_cookie("session").value) <= len(cookie) + 8
    page = client.get(response.headers["Location"]).data.decode()
    assert "notice-success" in page and entry.name in page and "10,000" in page
    other = client.get(f"/rounds/{rid}/counter", query_string={"paid": payout.id + 1000})
    assert "notice-success" not in other.data.decode()


def test_one_tap_refuses_an_entry_of_another_round(client, as_role, db, approved_round,
                                                   make_round, elders):
    as_role("staff")
    entry = entry_of(db, approved_round, elders["ninety"])
    other = make_round(status="approved", year=approved_round.year + 1)
    assert client.post(f"/rounds/{other.id}/entries/{entry.id}/paid").status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(Payout.id))) == 0


def test_proxy_form_errors_are_shown(client, as_role, db, approved_round, elders):
    as_role("staff")
    entry = entry_of(db, approved_round, elders["ninety"])
    response = client.post(f"/rounds/{approved_round.id}/entries/{entry.id}", data={
        "outcome": "proxy", "proxy_name": "王大明", "proxy_id_number": "A123456788",
        "proxy_relationship": "子"})
    text = response.data.decode()
    assert response.status_code == 200 and "error-summary" in text
    assert db.session.scalar(sa.select(sa.func.count(Payout.id))
                             .where(Payout.entry_id == entry.id)) == 0
    ok = client.post(f"/rounds/{approved_round.id}/entries/{entry.id}", data={
        "outcome": "proxy", "proxy_name": "王大明", "proxy_id_number": "A123456789",
        "proxy_relationship": "子", "seal_checked": "y"})
    assert ok.status_code == 302
    payout = db.session.scalar(sa.select(Payout).where(Payout.entry_id == entry.id))
    assert (payout.outcome, payout.proxy_name) == ("proxy", "王大明")


def test_upload_all_or_nothing_and_per_row(client, as_role, db, approved_round, elders):
    as_role("staff")
    rid = approved_round.id
    good = entry_of(db, approved_round, elders["ninety"])
    csv = f"條碼,結果,日期\n{good.token},本人,\nFFFFFFFFFFFF,本人,\n".encode()
    import io

    response = client.post(f"/rounds/{rid}/upload", data={
        "file": (io.BytesIO(csv), "back.csv"), "mode": "all"},
        content_type="multipart/form-data")
    assert "第 3 列" in response.data.decode() or "Row 3" in response.data.decode()
    assert db.session.scalar(sa.select(sa.func.count(Payout.id))) == 0
    response = client.post(f"/rounds/{rid}/upload", data={
        "file": (io.BytesIO(csv), "back.csv"), "mode": "rows"},
        content_type="multipart/form-data")
    assert response.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(Payout.id))) == 1


def test_bank_file_columns(client, as_role, db, approved_round):
    as_role("staff")
    response = client.get(f"/rounds/{approved_round.id}/bank/post_office.csv",
                          query_string={"columns": "seq,name,amount"})
    assert response.data.decode("utf-8-sig").splitlines()[0] == "seq,name,amount"
