"""Alerts open from visits, climb their chain with time, close with an outcome;
the register changes only when staff confirm. Emergency sweeps."""

import uuid
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from click.testing import CliRunner

from welfare.visits import alerts, queries, services
from welfare.visits.models import Alert, SweepCheck

NOW = datetime(2026, 5, 1, 8, 0)


def _record(elder, actor, outcome, now=NOW, volunteer=None, **extra):
    data = {"uuid": str(uuid.uuid4()), "kind": "home_visit", "outcome": outcome,
            "visited_at": (now - timedelta(minutes=5)).isoformat() + "+00:00", **extra}
    return services.record_visit(elder, data, actor=actor, volunteer=volunteer, now=now)[0]


def _open(elder):
    return alerts_for(elder, open_only=True)


def alerts_for(elder, open_only=False):
    from welfare.extensions import db

    stmt = sa.select(Alert).where(Alert.elder_id == elder.id)
    if open_only:
        stmt = stmt.where(Alert.closed_at.is_(None))
    return db.session.scalars(stmt).all()


def test_no_answer_for_level_two_opens_nothing(db, make_elder, make_user):
    elder = make_elder(2)
    _record(elder, make_user("staff"), "no_answer")
    assert _open(elder) == []


def test_no_answer_climbs_and_is_owned_at_each_step(db, make_elder, make_user, make_volunteer,
                                                    assign):
    staff = make_user("staff")
    volunteer = make_volunteer()
    elder = make_elder(4)
    assign(elder, volunteer)
    _record(elder, volunteer.user, "no_answer", volunteer=volunteer)
    [alert] = _open(elder)
    assert (alert.step, alert.deadline_at, alert.owner_id) == (0, NOW + timedelta(hours=3),
                                                               volunteer.user_id)
    assert alerts.escalate_due(NOW + timedelta(hours=2)) == 0
    assert alerts.escalate_due(NOW + timedelta(hours=3, minutes=1)) == 1
    assert (alert.step, alert.owner_id) == (1, staff.id)
    # A cron run that missed two deadlines jumps both steps, logging each.
    assert alerts.escalate_due(NOW + timedelta(hours=8)) == 1
    assert alert.step == 3
    assert [e.notes for e in alert.events if e.action == "escalated"] == [
        "staff", "emergency_contact", "village_chief"]
    alerts.escalate_due(NOW + timedelta(hours=30))
    assert alert.step == 4 and alert.deadline_at is None
    alerts.close_alert(alert, "found_well", "在鄰居家", staff, now=NOW + timedelta(hours=31))
    assert not alert.is_open


def test_reaching_the_elder_later_closes_the_no_answer_alert(db, make_elder, make_user):
    staff = make_user("staff")
    elder = make_elder(3)
    _record(elder, staff, "no_answer")
    _record(elder, staff, "met_well", now=NOW + timedelta(hours=1))
    assert _open(elder) == []
    assert alerts_for(elder)[0].close_outcome == "found_well"


def test_deceased_changes_the_register_only_when_confirmed(db, make_elder, make_user):
    staff = make_user("staff")
    elder = make_elder(2)
    _record(elder, staff, "deceased")
    [alert] = _open(elder)
    assert elder.person.status == "registered" and elder.active
    alerts.close_alert(alert, "deceased", "", staff, confirm_register=True, on=date(2026, 4, 30))
    assert elder.person.status == "deceased" and elder.person.status_date == date(2026, 4, 30)
    assert not elder.active and alert.register_changed


def test_not_alone_closed_without_confirming_keeps_the_register(db, make_elder, make_user):
    staff = make_user("staff")
    elder = make_elder(2)
    _record(elder, staff, "not_alone")
    [alert] = _open(elder)
    alerts.close_alert(alert, "false_alarm", "女兒只是來探望", staff)
    assert elder.active and not alert.register_changed


def test_concerns_and_hospital_open_alerts_once(db, make_elder, make_user):
    staff = make_user("staff")
    elder = make_elder(1)
    _record(elder, staff, "met_concerns")
    _record(elder, staff, "met_concerns")
    _record(elder, staff, "hospitalised")
    assert sorted(a.reason for a in _open(elder)) == ["concerns", "hospitalised"]


def test_sweep_marks_every_elder_and_takes_outcomes(db, make_elder, make_user, villages):
    staff = make_user("staff")
    a, b, c = (make_elder(2, village=villages[0]) for _ in range(3))
    elsewhere = make_elder(2, village=villages[1])
    sweep = alerts.start_sweep("颱風", [villages[0]], staff, date(2026, 5, 1))
    _record(a, staff, "met_well")
    _record(b, staff, "no_answer")
    _record(c, staff, "met_well", needs=["meals"])
    _record(elsewhere, staff, "met_well")
    counts, rows = queries.sweep_checks(sweep)
    assert counts["checked"] == 1 and counts["unreachable"] == 1 and counts["needs_help"] == 1
    assert {r[0].elder_id for r in rows} >= {a.id, b.id, c.id}
    assert db.session.scalar(sa.select(SweepCheck).where(
        SweepCheck.elder_id == elsewhere.id)) is None


def test_escalate_command(app, db, make_elder, make_user):
    staff = make_user("staff")
    elder = make_elder(4)
    _record(elder, staff, "no_answer")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["visits", "escalate", "--now", "2026-05-01T11:30:00Z"])
    assert result.exit_code == 0, result.output
    assert "1 alert(s)" in result.output
    assert _open(elder)[0].step == 1
    assert isinstance(runner, CliRunner)
