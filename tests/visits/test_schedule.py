"""Due dates from stored visits, today's list, coverage."""

import uuid
from datetime import date, datetime, timedelta

from welfare.visits import coverage, queries, services


def _visit(elder, actor, day, kind="home_visit", outcome="met_well", volunteer=None, minutes=30):
    data = {"uuid": str(uuid.uuid4()), "kind": kind, "outcome": outcome,
            "visited_at": f"{day.isoformat()}T10:00:00+08:00", "duration_minutes": minutes}
    services.record_visit(elder, data, actor=actor, volunteer=volunteer,
                          now=datetime(day.year, day.month, day.day, 12))


def test_board_sorts_and_counts_only_reached_contacts(db, make_elder, make_user):
    staff = make_user("staff")
    today = queries.local_today()
    l4 = make_elder(4)
    l2 = make_elder(2)
    _visit(l4, staff, today - timedelta(days=10))
    _visit(l4, staff, today - timedelta(days=2), outcome="no_answer")
    _visit(l2, staff, today - timedelta(days=40))
    rows = [r for r in queries.board(today, staff, status="late")
            if r.elder_id in (l4.id, l2.id)]
    assert [r.elder_id for r in rows] == [l4.id, l2.id]
    assert rows[0].schedule.overdue_days == 3
    assert rows[1].schedule.overdue_days == 10


def test_today_list_has_due_elders_and_backup_after_three_days(db, make_elder, make_volunteer,
                                                               assign, make_user):
    staff = make_user("staff")
    me, other = make_volunteer(), make_volunteer()
    today = queries.local_today()
    due, fine, backup_late, backup_fresh = (make_elder(4) for _ in range(4))
    for elder in (due, fine, backup_late, backup_fresh):
        assign(elder, other if elder in (backup_late, backup_fresh) else me,
               me if elder in (backup_late, backup_fresh) else None)
    _visit(due, staff, today - timedelta(days=8))
    _visit(fine, staff, today - timedelta(days=1))
    _visit(backup_late, staff, today - timedelta(days=10))
    _visit(backup_fresh, staff, today - timedelta(days=8))
    tasks = {row.elder_id: kind for kind, row in queries.today_tasks(me, today)}
    assert tasks == {due.id: "due", backup_late.id: "due"}


def test_coverage_by_village_and_volunteer(db, make_elder, make_volunteer, assign, make_user,
                                           villages):
    staff = make_user("staff")
    me = make_volunteer()
    today = queries.local_today()
    covered = make_elder(2, village=villages[0])
    missed = make_elder(4, village=villages[0])
    assign(covered, me)
    assign(missed, me)
    _visit(covered, me.user, today, volunteer=me, minutes=90)
    _visit(missed, me.user, today - timedelta(days=20), volunteer=me, minutes=30)
    figures = coverage.coverage(date(today.year, today.month, 1), today, staff)
    mine = figures["volunteers"][me.id]
    assert (mine["elders"], mine["covered"], mine["share"]) == (2, 1, 50.0)
    expected_hours = 1.5 + (0.5 if (today - timedelta(days=20)).month == today.month else 0)
    assert mine["hours"] == expected_hours
    village = figures["villages"][villages[0].id]
    assert village["elders"] >= 2 and village["covered"] >= 1
