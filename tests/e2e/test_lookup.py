"""The public lookup on a phone, and a demo elder's history on the person page."""

import re

import sqlalchemy as sa
from playwright.sync_api import expect


def _demo_elder_waiting(live_server):
    """A demo person on the approved round with no outcome yet: (id number, birth date)."""
    from welfare.extensions import db
    from welfare.roster.models import Person
    from welfare.rounds.models import Payout, Round, RoundEntry

    with live_server.app.app_context():
        row = db.session.execute(
            sa.select(Person.id_number, Person.birth_date, Person.name)
            .join(RoundEntry, RoundEntry.person_id == Person.id)
            .join(Round, Round.id == RoundEntry.round_id)
            .where(Round.status == "approved", RoundEntry.hold.is_(None),
                   RoundEntry.bank.is_(None),
                   RoundEntry.id.not_in(sa.select(Payout.entry_id)))
            .order_by(Person.id).limit(1)).one()
        db.session.remove()
    return row


def test_lookup_on_a_phone(phone_page, live_server, msg, check_axe, snap):
    id_number, birth, name = _demo_elder_waiting(live_server)
    page = phone_page
    page.goto(live_server("/lookup"))
    check_axe(page)
    roc_birth = f"{birth.year - 1911}/{birth.month}/{birth.day}"
    page.get_by_label(msg("ID number")).fill(id_number.lower())
    page.get_by_label(msg("Date of birth")).fill(roc_birth)
    page.get_by_role("button", name=msg("Check")).click()
    result = page.locator(".lookup-result")
    expect(result).to_contain_text(name[0] + "○")
    # The demo round is in its payout window or its late-claim months.
    expect(result).to_contain_text(re.compile("至里辦公處領取|前至區公所社會課補領"))
    assert name not in page.content() and id_number not in page.content()
    # Nothing typed stays on the screen.
    expect(page.get_by_label(msg("ID number"))).to_have_value("")
    snap(page, "lookup-found-phone")
    check_axe(page)

    page.get_by_label(msg("ID number")).fill(id_number)
    page.get_by_label(msg("Date of birth")).fill(f"{birth.year - 1911 + 1}/1/1")  # a year later
    page.get_by_role("button", name=msg("Check")).click()
    expect(page.locator(".notice-warning")).to_contain_text("查無符合")
    expect(page.locator(".lookup-result")).to_have_count(0)
    check_axe(page)


def test_lookup_form_errors_are_accessible(phone_page, live_server, msg, check_axe):
    page = phone_page
    page.goto(live_server("/lookup"))
    page.get_by_role("button", name=msg("Check")).click()
    expect(page.locator(".error-message").first).to_be_visible()
    check_axe(page)


def test_demo_elder_history(desk_page, live_server, login, msg, check_axe, snap):
    from welfare.delivery.models import DeliveryStop
    from welfare.extensions import db
    from welfare.roster.models import HouseholdMember, IsolatedElder, Person
    from welfare.rounds.models import RoundEntry
    from welfare.visits.models import Visit

    with live_server.app.app_context():
        person_id = db.session.scalar(
            sa.select(Person.id)
            .join(HouseholdMember, HouseholdMember.person_id == Person.id)
            .join(DeliveryStop, DeliveryStop.household_id == HouseholdMember.household_id)
            .join(IsolatedElder, IsolatedElder.person_id == Person.id)
            .join(Visit, Visit.elder_id == IsolatedElder.id)
            .join(RoundEntry, RoundEntry.person_id == Person.id)
            .order_by(Person.id).limit(1))
        db.session.remove()
    assert person_id, "the demo has no elder with a gift, a delivery and visits"
    page = login(desk_page, "staff")
    page.goto(live_server(f"/people/{person_id}"))
    story = page.locator("table:has(#story-caption)")
    for kind in ("round", "delivery", "visit"):
        expect(story.locator(f"tr.story-{kind}").first).to_be_visible()
    snap(page, "person-history-desk")
    check_axe(page)
