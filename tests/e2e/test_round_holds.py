"""A 戶政異動 file with a death and a move-out imported after a round's freeze: the round
shows both people held, its change report lists them, and the counter refuses to pay them;
axe-core on every page."""

import random
import re
import time
from datetime import date, timedelta

import sqlalchemy as sa

from welfare.auth.models import User
from welfare.core import idno, rocdate
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.roster.models import Person
from welfare.rounds import services
from welfare.rounds.models import Payout, Round, RoundEntry

DIED = date.today() - timedelta(days=4)
LEFT = date.today() - timedelta(days=2)


def approved_round_with_two_elders(live_server):
    """Two elders of our own on a frozen, approved round (set up directly: the freeze and
    approval pages have their own browser test)."""
    rng = random.Random(time.time_ns())
    today = date.today()
    with live_server.app.app_context():
        village = db.session.scalar(sa.select(Village).order_by(Village.code))
        people = [Person(id_number=idno.generate(sex=sex, rng=rng), name=name, sex=sex,
                         birth_date=born, village_id=village.id, neighbourhood=1,
                         address="林園北路99號", registered_on=date(1990, 1, 1))
                  for name, sex, born in (("異動亡者", "M", date(1938, 2, 3)),
                                          ("異動遷者", "F", date(1944, 5, 6)))]
        db.session.add_all(people)
        db.session.flush()
        staff = db.session.scalar(sa.select(User).where(User.username == "staff"))
        boss = db.session.scalar(sa.select(User).where(User.username == "supervisor"))
        data = services.new_round_data("double_ninth", today.year) | {
            "name": "e2e 異動暫緩", "payout_start": today - timedelta(days=7),
            "payout_end": today + timedelta(days=7), "late_claim_end": today + timedelta(days=30)}
        round_ = services.create_round(data, actor=staff)
        services.freeze_round(round_, actor=staff)
        services.approve_round(round_, actor=boss)
        db.session.commit()
        found = {e.name: (e.id, e.id_number) for e in db.session.scalars(
            sa.select(RoundEntry).where(RoundEntry.round_id == round_.id,
                                        RoundEntry.person_id.in_([p.id for p in people])))}
        assert set(found) == {"異動亡者", "異動遷者"}
        return round_.id, found


def test_changes_after_freeze_hold_the_round_and_the_counter_refuses(
        desk_page, phone_page, login, url, msg, check_axe, snap, tmp_path, live_server):
    round_id, found = approved_round_with_two_elders(live_server)
    dead_id, dead_number = found["異動亡者"]
    gone_id, gone_number = found["異動遷者"]
    path = tmp_path / "戶政異動.csv"
    path.write_text(
        "身分證字號,異動類別,異動日期,備註\n"
        f"{dead_number},死亡,{rocdate.format_roc(DIED, 'compact')},醫院通報\n"
        f"{gone_number.lower()},遷出,{rocdate.format_roc(LEFT)},\n", encoding="utf-8")

    page = login(desk_page, "staff")
    with live_server.app.test_request_context():
        from flask import url_for

        upload_url = url_for("roster.import_upload")
    page.goto(url(upload_url))
    page.check("#kind-changes")
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name=msg("Check the file")).click()
    page.wait_for_load_state()
    assert re.search(r"/import/\w{32}$", page.url), page.url
    check_axe(page)
    page.locator("form[action$='/confirm'] button[type=submit]").first.click()
    page.wait_for_load_state()
    check_axe(page)
    with live_server.app.app_context():
        held = dict(db.session.execute(sa.select(RoundEntry.name, RoundEntry.hold).where(
            RoundEntry.round_id == round_id, RoundEntry.hold.is_not(None))).all())
    assert held == {"異動亡者": "deceased", "異動遷者": "moved_out"}

    # The round says two people are held and leads to its change report.
    page.goto(url(f"/rounds/{round_id}"))
    notice = page.locator("#held")
    assert "2" in notice.inner_text()
    check_axe(page)
    snap(page, "round-holds-round-desk")
    notice.get_by_role("link").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/rounds/{round_id}/changes")
    rows = {r.split("\t")[0].strip(): r for r in
            page.locator("table").first.locator("tbody tr").all_inner_texts()}
    assert set(rows) >= {"異動亡者", "異動遷者"}, rows
    assert msg("Held") in rows["異動亡者"] and rocdate.format_roc(DIED) in rows["異動亡者"]
    assert msg("Held") in rows["異動遷者"] and rocdate.format_roc(LEFT) in rows["異動遷者"]
    check_axe(page)
    snap(page, "round-holds-changes-desk")

    # The counter finds them but offers no payout, and says why, with the date.
    phone = login(phone_page, "staff")
    for number, reason, day in ((dead_number, "死亡", DIED), (gone_number, "遷出", LEFT)):
        phone.goto(url(f"/rounds/{round_id}/counter"))
        phone.fill("#q", number)
        phone.get_by_role("button", name=msg("Find"), exact=True).click()
        phone.wait_for_load_state()
        alert = phone.locator(".notice-error[role=alert]")
        text = alert.inner_text()
        assert "暫緩發放" in text and reason in text, text
        assert rocdate.format_roc(day, "words") in text, text
        assert phone.locator("button.big-button").count() == 0
        check_axe(phone)
    snap(phone, "round-holds-counter-phone")

    # Trying to record a payment on the person's page anyway is refused with the reason.
    page.goto(url(f"/rounds/{round_id}/entries/{dead_id}?outcome=elder"))
    page.check("input[name=outcome][value=elder]")
    page.get_by_role("button", name=msg("Record"), exact=True).click()
    page.wait_for_load_state()
    summary = page.locator(".error-summary, [role=alert]").first.inner_text()
    assert "暫緩發放" in summary and rocdate.format_roc(DIED, "words") in summary, summary
    check_axe(page)
    snap(page, "round-holds-refused-desk")
    # ...while recording what happened is accepted.
    page.check("input[name=outcome][value=deceased]")
    page.get_by_role("button", name=msg("Record"), exact=True).click()
    page.wait_for_load_state()
    with live_server.app.app_context():
        outcomes = db.session.execute(sa.select(Payout.entry_id, Payout.outcome).where(
            Payout.round_id == round_id, Payout.reversed_at.is_(None))).all()
        assert outcomes == [(dead_id, "deceased")]
        # Leave nothing open for the other browser tests.
        services.close_round(db.session.get(Round, round_id),
                             db.session.scalar(sa.select(User).where(User.username == "staff")),
                             date.today(), early=True)
        db.session.commit()
