"""Round, delivery and visit figures equal counts made record by record."""

import random
import uuid
from datetime import date, datetime

import pytest
from werkzeug.datastructures import MultiDict

from tests.reports.conftest import TODAY
from welfare.delivery import models as delivery
from welfare.reports import dashboard
from welfare.reports import queries_domains as q
from welfare.rounds import models as rounds
from welfare.visits import models as visits_models


def _figure(scope, key):
    return next((f for f in dashboard.all_figures(scope) if f.key == key), None)


def _scope(**args):
    return dashboard.scope_for(MultiDict(args), None, today=TODAY)


@pytest.fixture
def gift_rounds(db, roster, make_user):
    rng = random.Random(3)
    staff = make_user("staff")
    made = []
    for n, (start, end) in enumerate([(date(2025, 1, 20), date(2025, 2, 28)),
                                      (date(2025, 9, 20), date(2025, 10, 31)),
                                      (date(2023, 9, 1), date(2023, 10, 31))]):
        r = rounds.Round(name=f"R{n}", festival="double_ninth", year=start.year,
                         status="approved", payout_start=start, payout_end=end,
                         rules_data={}, prepared_by_id=staff.id)
        db.session.add(r)
        db.session.flush()
        for i, person in enumerate(roster["people"][n::3][:40]):
            entry = rounds.RoundEntry(
                round_id=r.id, person_id=person.id, token=f"t{n}-{i}", name=person.name,
                id_number=person.id_number, birth_date=person.birth_date,
                village_id=person.village_id, village_code="x", tier="65-89", amount=1500)
            db.session.add(entry)
            db.session.flush()
            outcome = rng.choice([None, "elder", "proxy", "bank", "not_found", "deceased",
                                  "waived", "reversed"])
            if outcome == "reversed":  # a corrected payout: only the new outcome counts
                db.session.add(rounds.Payout(
                    round_id=r.id, entry_id=entry.id, outcome="elder", amount=1500,
                    paid_on=start, recorded_by_id=staff.id, reversed_at=datetime(2025, 3, 1),
                    reversal_reason="wrong person"))
                outcome = "not_found"
            if outcome:
                paid = outcome in ("elder", "proxy", "bank")
                proxy = {"proxy_name": "代領人", "proxy_id_number": "A123456789",
                         "proxy_relationship": "子", "seal_checked": True} \
                    if outcome == "proxy" else {}
                db.session.add(rounds.Payout(
                    round_id=r.id, entry_id=entry.id, outcome=outcome,
                    amount=1500 if paid else 0, paid_on=start.replace(day=rng.randint(1, 28)),
                    recorded_by_id=staff.id, **proxy))
        made.append(r)
    db.session.flush()
    return made


def _expected_round(r, village_id=None):
    row = {"eligible": 0, "paid": 0, "pending": 0, "not_found": 0, "amount": 0}
    from welfare.extensions import db
    from welfare.rounds.models import Payout, RoundEntry

    for entry in db.session.query(RoundEntry).filter_by(round_id=r.id):
        if village_id and entry.village_id != village_id:
            continue
        row["eligible"] += 1
        live = [p for p in db.session.query(Payout).filter_by(entry_id=entry.id)
                if p.reversed_at is None]
        if not live:
            row["pending"] += 1
        elif live[0].outcome in ("elder", "proxy", "bank"):
            row["paid"] += 1
            row["amount"] += live[0].amount
        elif live[0].outcome == "not_found":
            row["not_found"] += 1
    return row


def test_round_progress_and_villages(gift_rounds, roster):
    scope = _scope(start="2025-01", end="2025-12")
    figure = _figure(scope, "rounds")
    assert [r["round"] for r in figure.rows] == ["R1", "R0"]  # 2023 is outside the months
    for row, r in zip(figure.rows, [gift_rounds[1], gift_rounds[0]], strict=True):
        expected = _expected_round(r)
        assert {k: row[k] for k in expected} == expected
    scope = _scope(start="2025-01", end="2025-12", round=str(gift_rounds[0].id))
    by_village = _figure(scope, "round_villages")
    for row in by_village.rows:
        expected = _expected_round(gift_rounds[0], row["village_id"])
        assert {k: row[k] for k in expected} == expected
    assert by_village.total["eligible"] == 40


def test_payouts_by_month(gift_rounds):
    from welfare.extensions import db
    from welfare.rounds.models import Payout

    scope = _scope(start="2025-01", end="2025-12")
    trends = {r["month"]: r for r in _figure(scope, "trends").rows}
    expected = {}
    for p in db.session.query(Payout):
        if p.reversed_at is None and p.outcome in ("elder", "proxy", "bank") \
                and p.paid_on.year == 2025:
            key = f"{p.paid_on:%Y-%m}"
            expected[key] = expected.get(key, 0) + 1
    assert {k: v["payouts"] for k, v in trends.items() if v["payouts"]} == expected


@pytest.fixture
def deliveries(db, roster):
    rng = random.Random(5)
    events = []
    for n, (day, status) in enumerate([(date(2025, 2, 1), "closed"),
                                       (date(2025, 9, 1), "planned"),
                                       (date(2025, 5, 1), "draft")]):
        event = delivery.DeliveryEvent(name=f"E{n}", event_date=day, status=status)
        db.session.add(event)
        db.session.flush()
        for i in range(30):
            village = roster["villages"][i % 4]
            db.session.add(delivery.DeliveryStop(
                event_id=event.id, kind="low", recipient_name=f"收件人{i}",
                village_id=village.id,
                outcome=rng.choice([None, "delivered", "left_with_family", "not_home",
                                    "refused"])))
        events.append(event)
    db.session.flush()
    return events


def test_delivery_completion(deliveries):
    scope = _scope(start="2025-01", end="2025-12")
    figure = _figure(scope, "deliveries")
    assert [r["event"] for r in figure.rows] == ["E1", "E0"]  # drafts are not counted
    for row, event in zip(figure.rows, [deliveries[1], deliveries[0]], strict=True):
        done = sum(1 for s in event.stops if s.outcome in ("delivered", "left_with_family"))
        pending = sum(1 for s in event.stops if s.outcome is None)
        assert (row["stops"], row["done"], row["pending"]) == (30, done, pending)
        assert row["failed"] == 30 - done - pending
    villages = _figure(scope, "delivery_villages")
    for row in villages.rows:
        stops = [s for e in deliveries[:2] for s in e.stops if s.village_id == row["village_id"]]
        assert row["stops"] == len(stops)
    trends = {r["month"]: r["deliveries"] for r in _figure(scope, "trends").rows}
    assert trends["2025-02"] == sum(1 for s in deliveries[0].stops
                                    if s.outcome in ("delivered", "left_with_family"))
    assert trends["2025-05"] == 0


@pytest.fixture
def visits(db, roster, make_user):
    rng = random.Random(9)
    user = make_user("volunteer")
    elders = [p.elder for p in roster["people"] if p.elder is not None]
    for elder in elders:
        for _ in range(rng.randint(0, 3)):
            db.session.add(visits_models.Visit(
                uuid=str(uuid.uuid4()), content_hash="x", elder_id=elder.id,
                recorded_by_id=user.id, kind=rng.choice(["home_visit", "phone_call"]),
                outcome=rng.choice(["met_well", "no_answer", "refused"]),
                visited_at=datetime(2025, rng.randint(1, 12), rng.randint(1, 28), 3)))
        if rng.random() < 0.4:
            db.session.add(visits_models.Alert(elder_id=elder.id, reason="no_answer",
                                        closed_at=None if rng.random() < 0.6 else
                                        datetime(2025, 9, 1)))
    db.session.flush()
    return elders


def test_visit_coverage(visits, roster):
    from tests.reports.conftest import on_roster

    scope = _scope(start="2025-03", end="2025-08")
    figure = _figure(scope, "visits")
    as_of = scope.as_of
    for level, row in zip(range(1, 5), figure.rows, strict=True):
        elders = [e for e in visits if e.active and e.care_level == level
                  and on_roster(e.person, as_of)]
        reached = [e for e in elders if any(
            v.outcome in ("met_well", "refused") and
            datetime(2025, 3, 1) <= v.visited_at < datetime(2025, 9, 1)
            for v in _visits_of(e))]
        contacts = sum(1 for e in elders for v in _visits_of(e)
                       if datetime(2025, 3, 1) <= v.visited_at < datetime(2025, 9, 1))
        alerts = sum(1 for e in elders for a in _alerts_of(e) if a.closed_at is None)
        assert (row["elders"], row["reached"], row["visits"], row["alerts"]) == (
            len(elders), len(reached), contacts, alerts)
    assert figure.total["elders"] == sum(r["elders"] for r in figure.rows)


def _visits_of(elder):
    from welfare.extensions import db
    from welfare.visits.models import Visit

    return db.session.query(Visit).filter_by(elder_id=elder.id).all()


def _alerts_of(elder):
    from welfare.extensions import db
    from welfare.visits.models import Alert

    return db.session.query(Alert).filter_by(elder_id=elder.id).all()


def test_open_data_with_every_domain_stays_anonymous(client, gift_rounds, deliveries, visits,
                                                     db):
    import re

    import sqlalchemy as sa

    from tests.reports.test_open_data import ID_PATTERN, _cells, _links
    from welfare.delivery.models import DeliveryStop
    from welfare.roster.models import Person

    names = set(db.session.scalars(sa.select(Person.name)).all())
    names |= set(db.session.scalars(sa.select(DeliveryStop.recipient_name)).all())
    _page, links = _links(client)
    slugs = {re.sub(r"\.(csv|json)$", "", link.rsplit("/", 1)[1]) for link in links}
    assert {"population", "elder-gift-rounds", "relief-deliveries", "visit-coverage"} <= slugs
    for url in links:
        response = client.get(url)
        text = response.data.decode("utf-8-sig")
        assert not ID_PATTERN.search(text), url
        assert not any(name in text for name in names), url
        _header, rows = _cells(response, url)
        for row in rows:
            assert all(str(v).strip() not in ("1", "2") for v in row), (url, row)
    rounds_csv = _cells(client.get("/open-data/elder-gift-rounds.csv"), "x.csv")[1]
    assert {row[1] for row in rounds_csv} == {"R0", "R1", "R2"}


def test_one_village_filters_coverage_and_trends(gift_rounds, visits, roster):
    from welfare.extensions import db
    from welfare.rounds.models import Payout, RoundEntry
    from welfare.visits.models import Visit

    village = roster["villages"][1]
    scope = _scope(village=village.code, start="2025-01", end="2025-12")
    coverage = _figure(scope, "visit_villages")
    assert [r["village_id"] for r in coverage.rows] == [village.id]
    from tests.reports.conftest import on_roster

    mine = [e for e in visits if e.person.village_id == village.id]
    in_year = [v for e in mine for v in _visits_of(e) if v.visited_at.year == 2025]
    counted = [e for e in mine if e.active and on_roster(e.person, scope.as_of)]
    assert coverage.total["elders"] == len(counted) > 0
    assert coverage.total["visits"] == sum(
        1 for e in counted for v in _visits_of(e) if v.visited_at.year == 2025)
    assert coverage.total["alerts"] == sum(
        1 for e in counted for a in _alerts_of(e) if a.closed_at is None)
    trends = {r["month"]: r for r in _figure(scope, "trends").rows}
    visits_by_month = {}
    for v in in_year:
        key = f"{v.visited_at:%Y-%m}"
        visits_by_month[key] = visits_by_month.get(key, 0) + 1
    assert {k: r["visits"] for k, r in trends.items() if r["visits"]} == visits_by_month
    paid = {}
    for p in db.session.query(Payout).join(RoundEntry, Payout.entry_id == RoundEntry.id):
        if p.reversed_at is None and p.outcome in ("elder", "proxy", "bank") \
                and p.paid_on.year == 2025 and p.entry.village_id == village.id:
            key = f"{p.paid_on:%Y-%m}"
            paid[key] = paid.get(key, 0) + 1
    assert {k: r["payouts"] for k, r in trends.items() if r["payouts"]} == paid
    assert db.session.query(Visit).count() > len(in_year) > 0


def test_coverage_from_the_stored_elders_equals_the_live_lookup(visits, roster):
    from welfare.reports import snapshots
    from welfare.reports.rules import parse_period

    period = parse_period("2025-01", "2025-12", TODAY)
    counted = snapshots.refresh(period.as_of(TODAY))
    assert counted.snapshot_id is not None
    live = q.visit_coverage(period, period.as_of(TODAY))
    assert q.visit_coverage(period, period.as_of(TODAY),
                            snapshot_id=counted.snapshot_id) == live
    assert sum(e for e, _r, _v, _a in live.values()) > 0
    village = roster["villages"][0].id
    assert q.visit_coverage(period, period.as_of(TODAY), {village},
                            snapshot_id=counted.snapshot_id) == {
        k: v for k, v in live.items() if k[0] == village}
