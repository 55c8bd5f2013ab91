"""Stored roster counts: equal to counts made person by person, used while the roster is
unchanged, recounted after a change once they are older than the keep time."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from tests.reports.conftest import TODAY, expected_low_income, expected_people
from welfare.reports import dashboard, snapshots
from welfare.reports.models import ReportPeopleCount, ReportSnapshot
from welfare.reports.rules import senior_bands
from welfare.roster import services as roster_services


def _scope(**args):
    return dashboard.scope_for(MultiDict(args), None, today=TODAY)


def _figure(scope, key):
    return next(f for f in dashboard.all_figures(scope) if f.key == key)


def _new_person(villages, actor=None):
    from welfare.core import idno

    return roster_services.create_person({
        "id_number": idno.generate(sex="M"), "name": "新住民", "sex": "M",
        "birth_date": TODAY.replace(year=1940), "village_id": villages[0].id,
        "neighbourhood": 1, "address": "林園北路1號", "status": "registered",
    }, actor=actor)


def _age_snapshots(db, by):
    for snapshot in db.session.scalars(sa.select(ReportSnapshot)):
        snapshot.counted_at -= by
    db.session.flush()


@pytest.mark.parametrize("period", [{}, {"start": "2025-01", "end": "2025-03"}])
def test_stored_snapshot_equals_independent_counts(roster, db, period):
    scope = _scope(**period)
    snapshots.refresh(scope.as_of)
    db.session.expire_all()
    scope = _scope(**period)
    figure = _figure(scope, "villages")
    assert scope.roster().recounted is False  # read back from the table
    people = expected_people(roster["people"], scope.as_of)
    homes, persons = expected_low_income(roster["households"], roster["people"], scope.as_of)
    for row in figure.rows:
        v = row["village_id"]
        assert row["people"] == sum(n for k, n in people.items() if k[0] == v)
        assert row["seniors"] == sum(n for k, n in people.items()
                                     if k[0] == v and k[1] in senior_bands())
        assert row["low"] == persons.get((v, "low"), 0)
        assert row["mid_low"] == persons.get((v, "mid_low"), 0)
    assert figure.total["people"] == sum(people.values()) > 100
    ages = _figure(scope, "age_sex")
    for row in ages.rows:
        assert row["F"] == sum(n for k, n in people.items() if k[1] == row["band"] and k[2] == "F")
    cats = {r["key"]: r["count"] for r in _figure(scope, "categories").rows}
    assert cats["low_households"] == sum(n for k, n in homes.items() if k[1] == "low")
    assert cats["mid_low_households"] == sum(n for k, n in homes.items() if k[1] == "mid_low")
    stored = db.session.scalar(sa.select(ReportSnapshot).where(
        ReportSnapshot.as_of == scope.as_of))
    assert stored.people == sum(people.values())


def test_village_filter_reads_only_that_village(roster, db):
    snapshots.refresh(TODAY)
    village = roster["villages"][2]
    scope = _scope(village=village.code)
    assert {k[0] for k in scope.roster().people} == {village.id}
    people = expected_people(roster["people"], TODAY)
    assert _figure(scope, "villages").total["people"] == sum(
        n for k, n in people.items() if k[0] == village.id)


def test_unchanged_roster_keeps_an_old_snapshot(app, roster, db):
    snapshots.refresh(TODAY)
    _age_snapshots(db, timedelta(days=3))
    scope = _scope()
    assert scope.roster().recounted is False
    assert scope.roster().changed_since is False
    assert scope.roster_recount_after() is None


def test_a_change_is_shown_then_recounted_after_the_keep_time(app, roster, db, make_user):
    app.config["REPORTS_CACHE_SECONDS"] = 600
    try:
        before = _figure(_scope(), "villages").total["people"]  # counted and stored
        _new_person(roster["villages"], actor=make_user("staff"))
        scope = _scope()
        assert _figure(scope, "villages").total["people"] == before  # kept, and said so
        assert scope.roster().changed_since is True
        assert scope.roster_recount_after() > scope.roster().counted_at
        _age_snapshots(db, timedelta(seconds=601))
        scope = _scope()  # the recount job runs at once in tests (inline jobs)
        assert _figure(scope, "villages").total["people"] == before + 1
        assert scope.roster().changed_since is False  # stored again, with the change
        assert scope.roster().recounted is False  # and read back from the table
    finally:
        app.config.pop("REPORTS_CACHE_SECONDS")


def test_without_keep_time_any_change_recounts(roster, db):
    before = _figure(_scope(), "villages").total["people"]
    _new_person(roster["villages"])
    assert _figure(_scope(), "villages").total["people"] == before + 1


def test_reading_an_id_number_is_not_a_change(roster, db):
    from welfare.auth import audit

    snapshots.refresh(TODAY)
    audit.record("view_id", entity=roster["people"][0])
    db.session.flush()
    assert _scope().roster().changed_since is False


@pytest.mark.parametrize("action", ["view_sensitive", "export_full_id", "add_contact",
                                    "remove_contact", "assign"])
def test_reads_and_contact_or_volunteer_changes_are_not_roster_changes(roster, db, action):
    from welfare.auth import audit

    snapshots.refresh(TODAY)
    audit.record(action, entity_type="isolated_elders", entity_id=1)
    audit.record(action, entity_type="people", entity_id=roster["people"][0].id)
    db.session.flush()
    assert _scope().roster().changed_since is False


def test_recent_audit_rows_stay_above_the_mark_until_they_settle(app, roster, db,
                                                                  monkeypatch):
    from welfare.auth import audit
    from welfare.auth.models import AuditLog, utcnow

    monkeypatch.setitem(app.config, "REPORTS_SETTLE_SECONDS", 900)
    old = AuditLog(action="update", entity_type="people", entity_id=roster["people"][0].id,
                   summary="", at=utcnow() - timedelta(hours=1))  # the log refuses UPDATE
    db.session.add(old)
    db.session.flush()
    new = audit.record("update", entity=roster["people"][1])
    db.session.flush()
    # A count now marks only what is older than the settle time: a roster change that was
    # still open while counting (and committed later with a smaller id) is not skipped.
    assert snapshots.last_audit_id() == old.id < new.id
    snapshots.refresh(TODAY)
    snapshot = snapshots.find(TODAY)
    assert snapshot.audit_id == old.id
    assert snapshots.roster_changed_since(snapshot.audit_id) is True  # a recount is due
    # ... but the page does not say the roster changed: that row was written before the count.
    assert _scope().roster().changed_since is False
    monkeypatch.setitem(app.config, "REPORTS_SETTLE_SECONDS", 0)
    assert snapshots.last_audit_id() == db.session.scalar(sa.select(sa.func.max(AuditLog.id)))


def test_an_empty_village_is_counted_as_empty_not_as_the_district(roster, db):
    from welfare.reports import queries

    assert queries.people_by_village_band_sex(TODAY, counts={}) == {}


def test_past_days_are_kept_a_day_after_a_change():
    assert snapshots.keep_seconds_for(TODAY, TODAY, 600) == 600
    assert snapshots.keep_seconds_for(TODAY - timedelta(days=40), TODAY, 600) == 24 * 3600
    assert snapshots.keep_seconds_for(TODAY - timedelta(days=40), TODAY, 0) == 0


def test_refresh_due_counts_missing_and_changed_days_only(roster, db):
    done = snapshots.refresh_due(TODAY, months=2)
    assert [d for d, _s in done] == [TODAY, TODAY.replace(day=30, month=9),
                                     TODAY.replace(day=31, month=8)]
    assert all(seconds is not None for _d, seconds in done)
    from welfare.auth import audit

    audit.record("view_id", entity=roster["people"][0])  # not a change, but newer
    db.session.flush()
    assert all(seconds is None for _d, seconds in snapshots.refresh_due(TODAY, months=2))
    assert snapshots.find(TODAY).audit_id == snapshots.last_audit_id() > 0
    _new_person(roster["villages"])
    assert all(seconds is not None for _d, seconds in snapshots.refresh_due(TODAY, months=2))
    counts = db.session.scalar(sa.select(sa.func.count()).select_from(ReportPeopleCount))
    assert counts > 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportSnapshot)) == 3


def test_refresh_deletes_earlier_days_that_no_period_ends_on(roster, db):
    for day in (TODAY - timedelta(days=2), TODAY.replace(day=1) - timedelta(days=1)):
        snapshots.refresh(day)
    snapshots.refresh_due(TODAY, months=0)
    kept = set(db.session.scalars(sa.select(ReportSnapshot.as_of)))
    assert kept == {TODAY, TODAY.replace(day=1) - timedelta(days=1)}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReportPeopleCount).where(
        ReportPeopleCount.snapshot_id.not_in(sa.select(ReportSnapshot.id)))) == 0


def test_refresh_command(app, roster, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["reports", "refresh", "--months", "1", "--today",
                                 TODAY.isoformat()])
    assert result.exit_code == 0, result.output
    assert TODAY.isoformat() in result.output
    assert snapshots.find(TODAY) is not None


def test_dashboard_says_when_the_roster_was_counted(client, as_role, roster):
    as_role("staff")
    page = client.get("/reports").text
    assert "名冊數字計算於" in page or "Roster figures counted at" in page


def test_a_roster_import_is_recounted_at_once(app, roster, db):
    from welfare.auth import audit

    app.config["REPORTS_CACHE_SECONDS"] = 600
    snapshots.refresh(TODAY)
    _new_person(roster["villages"])
    assert _scope().roster().recounted is False  # one edit: kept for the keep time
    audit.record("import", entity_type="people", summary="roster.xlsx: 1 row")
    db.session.flush()
    before = snapshots.find(TODAY).counted_at
    scope = _scope()
    assert scope.roster().changed_since is False
    assert scope.roster().counted_at > before


def test_a_background_recount_is_started_once_and_said_so(app, roster, db, monkeypatch,
                                                           client, as_role):
    from welfare.jobs import services as jobs

    started = []
    monkeypatch.setattr(jobs, "enqueue", lambda *args, **kw: started.append(args))
    snapshots.refresh(TODAY)
    _new_person(roster["villages"])
    scope = _scope()
    assert scope.roster().changed_since is True
    assert scope.roster().recount_requested_at is not None  # the old counts, said so
    assert started == [("reports_recount", "welfare.reports.snapshots.recount_job",
                        TODAY.isoformat())]
    assert _scope().roster().recount_requested_at is not None
    assert len(started) == 1  # not asked again while it runs
    snapshots.recount_job(None, TODAY.isoformat())
    counted = _scope().roster()
    assert counted.changed_since is False and counted.recount_requested_at is None
    assert len(started) == 1


def test_page_says_a_recount_is_under_way(client, as_role, roster, db, monkeypatch):
    from datetime import date

    from welfare.jobs import services as jobs

    monkeypatch.setattr(jobs, "enqueue", lambda *args, **kw: None)
    as_role("staff")
    snapshots.refresh(date.today())
    _new_person(roster["villages"])
    page = client.get("/reports").text
    assert "開始重新計算" in page or "a recount started" in page
