"""A wrong death record lifted in a browser: the supervisor opens the held entry, reads the
check page (phone and desk), is refused without a reason, lifts it with one; the entry shows
the lifted hold and the counter pays. While the register still records the death, the check
page says to correct it first. axe-core on every page."""

import random
import time
from datetime import date, timedelta

import sqlalchemy as sa

from welfare.auth.models import User
from welfare.core import idno
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.roster.feeds.signals import StatusEvent
from welfare.roster.models import Person
from welfare.rounds import feeds, services
from welfare.rounds.amend_models import HoldLift
from welfare.rounds.models import Payout, Round, RoundEntry

DIED = date.today() - timedelta(days=5)


def held_round(live_server):
    """Two elders of our own on an approved round, both held by a reported death; the first
    one's record was corrected (registered again), the second's was not."""
    rng = random.Random(time.time_ns())
    today = date.today()
    with live_server.app.app_context():
        village = db.session.scalar(sa.select(Village).order_by(Village.code))
        people = [Person(id_number=idno.generate(sex="F", rng=rng), name=name, sex="F",
                         birth_date=date(1939, 4, 5), village_id=village.id, neighbourhood=3,
                         address="仁愛路8號", registered_on=date(1990, 1, 1))
                  for name in ("誤報亡者", "確實亡者")]
        db.session.add_all(people)
        db.session.flush()
        staff = db.session.scalar(sa.select(User).where(User.username == "staff"))
        boss = db.session.scalar(sa.select(User).where(User.username == "supervisor"))
        data = services.new_round_data("double_ninth", today.year) | {
            "name": "e2e 解除暫緩", "payout_start": today - timedelta(days=7),
            "payout_end": today + timedelta(days=7), "late_claim_end": today + timedelta(days=30)}
        round_ = services.create_round(data, actor=staff)
        services.freeze_round(round_, actor=staff)
        services.approve_round(round_, actor=boss)
        feeds.hold_for_changes(staff, [StatusEvent(p.id, "death", DIED) for p in people])
        people[1].status, people[1].status_date = "deceased", DIED
        db.session.commit()
        entries = {e.name: (e.id, e.id_number) for e in db.session.scalars(
            sa.select(RoundEntry).where(RoundEntry.round_id == round_.id,
                                        RoundEntry.person_id.in_([p.id for p in people])))}
        return round_.id, entries


def test_lift_a_wrong_hold(desk_page, phone_page, login, url, msg, check_axe, snap,
                           live_server, browser):
    round_id, entries = held_round(live_server)
    wrong_id, wrong_number = entries["誤報亡者"]
    dead_id, _dead_number = entries["確實亡者"]
    lift_url = url(f"/rounds/{round_id}/entries/{wrong_id}/lift-hold")

    phone = login(phone_page, "supervisor")
    phone.goto(url(f"/rounds/{round_id}/entries/{wrong_id}"))
    check_axe(phone)
    phone.get_by_role("link", name=msg("The register was wrong: lift this hold")).click()
    phone.wait_for_load_state()
    assert msg("Check before lifting a hold") in phone.content()
    check_axe(phone)
    snap(phone, "hold-lift-check-phone")

    page = login(desk_page, "supervisor")
    page.goto(lift_url)
    check_axe(page)
    snap(page, "hold-lift-check-desk")
    page.get_by_role("button", name=msg("Lift the hold")).click()
    page.wait_for_load_state()
    assert page.locator(".error-summary").count() == 1
    check_axe(page)
    page.fill("#reason", "戶政事務所 12/03 更正死亡登記錯誤")
    page.get_by_role("button", name=msg("Lift the hold")).click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/entries/{wrong_id}"), page.url
    assert page.locator(".notice-success").count() == 1
    assert msg("Payout held (lifted)") in page.content()
    assert "戶政事務所 12/03 更正死亡登記錯誤" in page.content()
    check_axe(page)
    snap(page, "hold-lift-entry-desk")

    # The register still records the other death: the check page says so and offers no form.
    page.goto(url(f"/rounds/{round_id}/entries/{dead_id}/lift-hold"))
    assert page.locator("#reason").count() == 0
    assert page.locator(".notice-warning").count() == 1
    check_axe(page)
    snap(page, "hold-lift-refused-desk")

    # The clerk pays the lifted entry at the counter; the lifted hold stays on its page.
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=url.url,
                                  locale="zh-TW", timezone_id="Asia/Taipei")
    clerk = login(context.new_page(), "staff")
    clerk.goto(url(f"/rounds/{round_id}/counter"))
    clerk.fill("#q", wrong_number)
    clerk.get_by_role("button", name=msg("Find"), exact=True).click()
    clerk.wait_for_load_state()
    clerk.locator("button.big-button").click()
    clerk.wait_for_load_state()
    assert clerk.locator(".notice-success").count() == 1
    clerk.goto(url(f"/rounds/{round_id}/entries/{wrong_id}"))
    assert msg("Payout held (lifted)") in clerk.content()
    check_axe(clerk)
    snap(clerk, "hold-lift-entry-phone")
    context.close()
    with live_server.app.app_context():
        lifts = db.session.execute(sa.select(HoldLift.entry_id, HoldLift.hold,
                                             HoldLift.hold_on)).all()
        assert (wrong_id, "deceased", DIED) in lifts and all(e != dead_id for e, *_ in lifts)
        paid = db.session.execute(sa.select(Payout.entry_id, Payout.outcome).where(
            Payout.round_id == round_id, Payout.reversed_at.is_(None))).all()
        assert paid == [(wrong_id, "elder")]
        services.close_round(db.session.get(Round, round_id),
                             db.session.scalar(sa.select(User).where(User.username == "staff")),
                             date.today(), early=True)
        db.session.commit()
