"""The public lookup: one's own record only, the same answer for an unknown number and a
wrong birth date, 429 after a handful of misses from one address, every try audited."""

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from welfare.auth.models import AuditLog
from welfare.rounds import services as round_services
from welfare.rounds.models import RoundEntry
from welfare.rounds.payouts import record_payout

ADDRESS = {"REMOTE_ADDR": "203.0.113.7"}


@pytest.fixture
def gift(db, make_person, make_user):
    """An elder on an approved round (to collect) and one already paid by transfer."""
    waiting = make_person(name="陳阿土", birth_date=date(1950, 5, 17), address="林園北路99號")
    paid = make_person(name="李秀英", birth_date=date(1940, 1, 2))
    staff = make_user("staff")
    today = date.today()
    data = round_services.new_round_data("double_ninth", today.year)
    data.update({"name": "重陽查詢測試", "payout_start": today - timedelta(days=2),
                 "payout_end": today + timedelta(days=12), "late_claim_end": None})
    round_ = round_services.create_round(data, actor=staff)
    round_services.freeze_round(round_, actor=staff)
    round_services.approve_round(round_, actor=make_user("supervisor"))
    entry = db.session.query(RoundEntry).filter_by(round_id=round_.id, person_id=paid.id).one()
    entry.bank, entry.bank_account = "post_office", "0081234-00411234"
    record_payout(entry, "bank", staff, on=today - timedelta(days=1))
    db.session.flush()
    return {"waiting": waiting, "paid": paid, "round": round_}


def ask(client, id_number, birth, address=ADDRESS, lang=None):
    url = "/lookup" + (f"?lang={lang}" if lang else "")
    return client.post(url, data={"id_number": id_number, "birth_date": birth},
                       environ_base=address)


def plain(html):
    """The page without what changes on every request (nonces, tokens)."""
    return re.sub(r'(nonce|value)="[^"]*"', "", html)


def test_anyone_can_open_the_form(client):
    page = client.get("/lookup")
    assert page.status_code == 200
    assert 'name="id_number"' in page.text and 'name="birth_date"' in page.text


def test_own_record_in_plain_words(client, db, gift):
    person = gift["waiting"]
    page = ask(client, person.id_number.lower(), "39/5/17").text  # ROC date, lower case
    start, end = gift["round"].payout_start, gift["round"].payout_end
    roc = lambda d: f"{d.year - 1911}/{d.month:02d}/{d.day:02d}"  # noqa: E731
    assert f"可於 {roc(start)} 至 {roc(end)} 至里辦公處領取" in page
    assert "陳○○" in page
    assert "阿土" not in page and person.id_number not in page and "林園北路" not in page


def test_transfer_shows_the_last_four_digits_only(client, db, gift):
    page = ask(client, gift["paid"].id_number, "1940-01-02").text
    assert "已轉帳至郵局帳戶 ***1234" in page
    assert "00411234" not in page


def test_wrong_birth_date_answers_like_an_unknown_number(client, db, gift):
    person = gift["waiting"]
    wrong_date = ask(client, person.id_number, "1950-05-18")
    unknown = ask(client, "A123456789", "1950-05-18")
    assert wrong_date.status_code == unknown.status_code == 200
    assert plain(wrong_date.text) == plain(unknown.text)
    assert "查無符合" in unknown.text


def test_throttled_after_a_handful_of_misses(app, client, db, gift):
    limit = app.config["LOOKUP_MAX_FAILURES"]
    for _ in range(limit):
        assert ask(client, "A123456789", "1950-01-01").status_code == 200
    refused = ask(client, gift["waiting"].id_number, "1950-05-17")  # even the right answer
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers
    elsewhere = ask(client, gift["waiting"].id_number, "1950-05-17",
                    address={"REMOTE_ADDR": "198.51.100.9"})
    assert elsewhere.status_code == 200 and "陳○○" in elsewhere.text


def test_a_malformed_number_is_a_form_error_not_a_miss(app, client, db):
    for _ in range(app.config["LOOKUP_MAX_FAILURES"] + 1):
        page = ask(client, "A12345", "1950-01-01")
        assert page.status_code == 200 and "請輸入身分證字號" in page.text


def test_every_lookup_is_audited(client, db, gift):
    ask(client, gift["waiting"].id_number, "1950-05-17")
    ask(client, "A123456789", "1950-05-17")
    rows = db.session.scalars(sa.select(AuditLog).where(AuditLog.action.like("lookup%"),
                                                        AuditLog.ip == ADDRESS["REMOTE_ADDR"])
                              .order_by(AuditLog.id)).all()
    assert [r.action for r in rows] == ["lookup", "lookup_miss"]
    assert rows[0].entity_type == "people" and rows[0].entity_id == gift["waiting"].id
    assert rows[1].entity_id is None
    assert "A123456789" not in (rows[1].summary or "")


def test_english(client, db, gift):
    page = ask(client, gift["paid"].id_number, "1940-01-02", lang="en").text
    assert "Transferred to your Post office account ***1234" in page
    assert 'lang="en"' in page
