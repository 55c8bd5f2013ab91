"""A person's history gathers rounds, deliveries, visits and the register, newest first, on
the person page, the printable sheet and `flask roster history --json`."""

import json
import uuid
from datetime import date, datetime, timedelta

import pytest

from welfare.delivery.models import DeliveryEvent, DeliveryStop
from welfare.roster.history import KINDS, person_events
from welfare.roster.models import Household, HouseholdMember, IsolatedElder, LowIncomeStatus
from welfare.rounds import services as round_services
from welfare.rounds.models import RoundEntry
from welfare.rounds.payouts import record_payout
from welfare.visits.models import Alert, Visit, Volunteer


@pytest.fixture
def elder(db, make_person, make_user):
    """An elder with a paid gift (by proxy), a delivery to her household, two visits, an
    alert and a low-income period."""
    person = make_person(birth_date=date(1940, 2, 3), name="林阿嬌")
    staff, supervisor = make_user("staff"), make_user("supervisor")
    today = date.today()
    data = round_services.new_round_data("double_ninth", today.year)
    data.update({"name": "重陽測試", "payout_start": today - timedelta(days=10),
                 "payout_end": today + timedelta(days=10), "late_claim_end": None})
    round_ = round_services.create_round(data, actor=staff)
    round_services.freeze_round(round_, actor=staff)
    round_services.approve_round(round_, actor=supervisor)
    entry = db.session.query(RoundEntry).filter_by(round_id=round_.id,
                                                    person_id=person.id).one()
    record_payout(entry, "proxy", staff, on=today - timedelta(days=3),
                  proxy={"name": "林美華", "id_number": "A123456789", "relationship": "女兒",
                         "seal_checked": True})

    household = Household(village_id=person.village_id, address="林園北路244號")
    db.session.add(household)
    db.session.flush()
    db.session.add(HouseholdMember(household_id=household.id, person_id=person.id))
    db.session.add(LowIncomeStatus(household_id=household.id, kind="low",
                                   certified_from=date(today.year, 1, 1),
                                   certified_until=date(today.year, 12, 31)))
    event = DeliveryEvent(name="歲末送溫情測試", event_date=today - timedelta(days=20),
                          created_by_id=staff.id)
    db.session.add(event)
    db.session.flush()
    db.session.add(DeliveryStop(event_id=event.id, household_id=household.id, kind="low",
                                recipient_name=person.name, village_id=person.village_id,
                                goods={"白米": 1}, outcome="left_with_family",
                                outcome_at=datetime.now() - timedelta(days=20)))

    isolated = IsolatedElder(person_id=person.id, care_level=2)
    volunteer_user = make_user("volunteer")
    volunteer = Volunteer(user_id=volunteer_user.id, name="志工阿滿")
    db.session.add_all([isolated, volunteer])
    db.session.flush()
    for days, kind, outcome in ((1, "home_visit", "met_well"), (15, "phone_call", "no_answer")):
        db.session.add(Visit(uuid=str(uuid.uuid4()), content_hash="0" * 64,
                             elder_id=isolated.id, volunteer_id=volunteer.id,
                             recorded_by_id=volunteer_user.id, kind=kind, outcome=outcome,
                             visited_at=datetime.now() - timedelta(days=days)))
    db.session.add(Alert(elder_id=isolated.id, reason="no_answer",
                         opened_at=datetime.now() - timedelta(days=15), owner_id=staff.id))
    db.session.flush()
    db.session.expire_all()
    return person


def test_events_cover_every_programme_newest_first(db, elder):
    events = person_events(elder)
    kinds = [e.kind for e in events]
    assert set(kinds) == {"round", "delivery", "visit", "alert", "status"}
    assert set(kinds) <= set(KINDS)
    assert kinds.count("visit") == 2
    days = [e.sort_key() for e in events]
    assert days == sorted(days, reverse=True)
    gift = next(e for e in events if e.kind == "round")
    assert gift.extra["outcome"] == "proxy"
    assert gift.extra["proxy"] == {"name": "林美華", "relationship": "女兒"}
    assert gift.day == date.today() - timedelta(days=3)
    delivery = next(e for e in events if e.kind == "delivery")
    assert delivery.extra["outcome"] == "left_with_family"


def test_a_reversed_payout_is_not_the_outcome(db, elder, make_user):
    from welfare.rounds.models import Payout
    from welfare.rounds.payouts import reverse_payout

    payout = db.session.query(Payout).one()
    reverse_payout(payout, "wrong person", actor=make_user("staff"))
    db.session.flush()
    gift = next(e for e in person_events(elder) if e.kind == "round")
    assert gift.extra["outcome"] is None


def test_person_page_and_printable_show_the_story(client, db, elder, as_role):
    as_role("staff")
    page = client.get(f"/people/{elder.id}").text
    assert "服務歷程" in page
    assert "重陽節：代領" in page
    assert "志工阿滿" in page and "歲末送溫情測試" in page
    sheet = client.get(f"/people/{elder.id}/story")
    assert sheet.status_code == 200
    assert "林阿嬌 的服務歷程" in sheet.text and "林美華" in sheet.text
    assert elder.id_number not in sheet.text


def test_volunteer_cannot_open_the_story(client, db, elder, as_role):
    as_role("volunteer")
    assert client.get(f"/people/{elder.id}/story").status_code == 403


def test_cli_json_agrees_with_the_page(app, db, elder):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["roster", "history", elder.id_number.lower(), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["person"]["id"] == elder.id
    assert elder.id_number not in result.output
    assert data["person"]["id_number"].endswith("****")
    assert [e["kind"] for e in data["events"]] == [e.kind for e in person_events(elder)]
    assert {"kind", "date", "title"} <= set(data["events"][0])
    dates = [e["date"] for e in data["events"]]
    assert dates == sorted(dates, reverse=True)


def test_cli_unknown_id_number_fails(app, db):
    result = app.test_cli_runner().invoke(args=["roster", "history", "A123456789", "--json"])
    assert result.exit_code != 0
