"""Read-only visit selects: schedules, the board, today's tasks, alerts, sweeps."""

from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from welfare.auth import scope
from welfare.auth.models import OFFICE_ROLES, utcnow
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.roster.models import IsolatedElder, Person
from welfare.visits import rules
from welfare.visits.models import (
    Alert,
    Assignment,
    ContactRule,
    Sweep,
    SweepCheck,
    Visit,
    Volunteer,
)

_ZONES = {}


def _zone():
    name = current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Taipei")
    if name not in _ZONES:
        _ZONES[name] = ZoneInfo(name)
    return _ZONES[name]


def local_today():
    return datetime.now(_zone()).date()


def local_date(moment):
    """A stored UTC time as the office's calendar date."""
    return moment.replace(tzinfo=UTC).astimezone(_zone()).date()


def _offset():
    """The office's current UTC offset: one subtraction per row instead of a zone lookup."""
    return datetime.now(_zone()).utcoffset() or timedelta(0)


def day_start_utc(day):
    """Midnight of a local date, as naive UTC."""
    local = datetime(day.year, day.month, day.day, tzinfo=_zone())
    return local.astimezone(UTC).replace(tzinfo=None)


def rules_by_level():
    """The contact rule per care level: the table, else the DOMAIN.md default."""
    found = {r.care_level: rules.Rule(r.care_level, r.interval_days, tuple(r.counted_kinds),
                                      r.in_person_every_days, r.contacts_per_month)
             for r in db.session.scalars(sa.select(ContactRule))}
    return {level: found.get(level) or rules.default_rule(level) for level in (1, 2, 3, 4)}


def volunteer_for(user):
    if user is None or not getattr(user, "is_authenticated", True):
        return None
    # Only the row: villages and the account load if a page asks for them.
    return db.session.scalar(sa.select(Volunteer).where(Volunteer.user_id == user.id)
                             .options(sa.orm.lazyload("*")))


def volunteer_elder_ids(volunteer):
    if volunteer is None:
        return set()
    return set(db.session.scalars(sa.select(Assignment.elder_id).where(
        sa.or_(Assignment.primary_id == volunteer.id, Assignment.backup_id == volunteer.id))))


def can_see_elder(user, elder):
    """Office staff within their villages; a volunteer only their assigned elders."""
    if user.role in OFFICE_ROLES:
        return scope.for_user(user).allows_village(elder.person.village_id)
    if user.role == "volunteer":
        mine = sa.select(Volunteer.id).where(Volunteer.user_id == user.id).scalar_subquery()
        return db.session.scalar(sa.select(sa.exists().where(
            Assignment.elder_id == elder.id,
            sa.or_(Assignment.primary_id == mine, Assignment.backup_id == mine))))
    return False


class Row(NamedTuple):
    elder_id: int
    name: str
    care_level: int
    village_id: int
    neighbourhood: int | None
    address: str
    phone: str
    primary_id: int | None
    backup_id: int | None
    last_contact: date | None
    schedule: rules.Schedule


LOOKBACK_DAYS = 400  # longer than any contact interval (level 1: a year)


def last_contacts_subquery(by_level, elder_ids=None, until=None):
    """Per elder: the last counted contact (the kinds their level accepts) and the last
    in-person one, both computed by the database from the rule table."""
    end = until or utcnow() + timedelta(days=1)
    counted = sa.case(*[
        (sa.and_(IsolatedElder.care_level == level, Visit.kind.in_(rule.counted_kinds)),
         Visit.visited_at) for level, rule in by_level.items()])
    in_person = sa.case((Visit.kind.in_(rules.IN_PERSON_KINDS), Visit.visited_at))
    stmt = sa.select(Visit.elder_id.label("elder_id"), sa.func.max(counted).label("last"),
                     sa.func.max(in_person).label("in_person")).join(
        IsolatedElder, IsolatedElder.id == Visit.elder_id).where(
        Visit.outcome.in_(rules.REACHED_OUTCOMES), Visit.visited_at < end,
        Visit.visited_at >= end - timedelta(days=LOOKBACK_DAYS)).group_by(Visit.elder_id)
    if elder_ids is not None:
        stmt = stmt.where(Visit.elder_id.in_(elder_ids))
    return stmt.subquery()


def elders_stmt(user=None, village_ids=None, levels=None, elder_ids=None):
    stmt = sa.select(
        IsolatedElder.id, Person.name, IsolatedElder.care_level, Person.village_id,
        Person.neighbourhood, Person.address, sa.func.coalesce(
            sa.func.nullif(Person.mobile, ""), Person.phone),
        Assignment.primary_id, Assignment.backup_id, IsolatedElder.created_at,
    ).join(Person, IsolatedElder.person_id == Person.id).outerjoin(
        Assignment, Assignment.elder_id == IsolatedElder.id
    ).where(IsolatedElder.active.is_(True))
    if village_ids:
        stmt = stmt.where(Person.village_id.in_(village_ids))
    if levels:
        stmt = stmt.where(IsolatedElder.care_level.in_(levels))
    if elder_ids is not None:
        stmt = stmt.where(IsolatedElder.id.in_(elder_ids))
    return stmt


def schedule_rows(today, user=None, village_ids=None, levels=None, elder_ids=None, until=None):
    """One Row per active elder with their due date, unsorted."""
    by_level = rules_by_level()
    lasts = last_contacts_subquery(by_level, elder_ids, until)
    stmt = elders_stmt(user, village_ids, levels, elder_ids).add_columns(
        lasts.c.last, lasts.c.in_person).outerjoin(lasts, lasts.c.elder_id == IsolatedElder.id)
    offset = _offset()
    schedule, rows = rules.schedule, []
    for (elder_id, name, level, village_id, hood, address, phone, primary, backup,
         created, last, in_person) in db.session.execute(stmt):
        last = (last + offset).date() if last else None
        in_person = (in_person + offset).date() if in_person else None
        plan = schedule(by_level[level], (created + offset).date(), last, in_person, today)
        rows.append(Row(elder_id, name, level, village_id, hood, address, phone or "",
                        primary, backup, last, plan))
    return rows


def board(today, user, village_ids=None, levels=None, status=""):
    """The due and overdue board: highest level first, then most days late."""
    rows = schedule_rows(today, user, village_ids, levels)
    if status == "late":
        rows = [r for r in rows if r.schedule.status == "overdue"]
    elif status == "due":
        rows = [r for r in rows if r.schedule.status in ("overdue", "due", "soon")]
    rows.sort(key=lambda r: rules.board_sort_key(r.care_level, r.schedule.overdue_days,
                                                 r.schedule.due_on, r.name))
    return rows


def status_counts(rows):
    counts = {"overdue": 0, "due": 0, "soon": 0, "ok": 0}
    for row in rows:
        counts[row.schedule.status] += 1
    return counts


def volunteers(active_only=False):
    stmt = sa.select(Volunteer).order_by(Volunteer.name)
    if active_only:
        stmt = stmt.where(Volunteer.active.is_(True))
    return db.session.scalars(stmt).all()


def volunteer_names():
    return {v.id: v.name for v in volunteers()}


def villages():
    return db.session.scalars(sa.select(Village).order_by(Village.code)).all()


def today_tasks(volunteer, today):
    """A volunteer's list for today: safety checks, rechecks, then due and late elders."""
    ids = volunteer_elder_ids(volunteer)
    if not ids:
        return []
    actives = {v.id: v.active for v in volunteers()}
    rows = schedule_rows(today, elder_ids=list(ids))
    pending = set(db.session.scalars(sa.select(SweepCheck.elder_id).join(Sweep).where(
        Sweep.closed_at.is_(None), SweepCheck.state == "pending",
        SweepCheck.elder_id.in_(ids))))
    rechecks = set(db.session.scalars(sa.select(Alert.elder_id).where(
        Alert.closed_at.is_(None), Alert.owner_id == volunteer.user_id)))
    tasks = []
    for row in rows:
        mine = row.primary_id == volunteer.id or (
            row.backup_id == volunteer.id and rules.backup_takes_over(
                row.schedule.overdue_days, actives.get(row.primary_id, False)))
        if row.elder_id in pending:
            tasks.append(("sweep", row))
        elif row.elder_id in rechecks:
            tasks.append(("recheck", row))
        elif mine and row.schedule.status in ("overdue", "due"):
            tasks.append(("due", row))
    order = {"sweep": 0, "recheck": 1, "due": 2}
    tasks.sort(key=lambda t: (order[t[0]],) + rules.board_sort_key(
        t[1].care_level, t[1].schedule.overdue_days, t[1].schedule.due_on, t[1].name))
    return tasks


def app_list_sizes(volunteer, today, most=200):
    """How many cards the phone app's two lists (today, all) will hold: the page reserves
    their place so nothing jumps when the list arrives."""
    ids = volunteer_elder_ids(volunteer)
    if not ids:
        return 0, 0
    return len(today_tasks(volunteer, today)), min(len(ids), most)


def elder_visits(elder_id, limit=50):
    return db.session.scalars(sa.select(Visit).where(Visit.elder_id == elder_id)
                              .order_by(Visit.visited_at.desc()).limit(limit)).all()


def visits_stmt(elder_id):
    return sa.select(Visit).where(Visit.elder_id == elder_id).order_by(Visit.visited_at.desc())


def open_alerts(user=None):
    stmt = sa.select(Alert).where(Alert.closed_at.is_(None)).order_by(
        Alert.deadline_at.is_(None), Alert.deadline_at, Alert.id)
    return db.session.scalars(stmt).all()


def recent_closed_alerts(limit=20):
    return db.session.scalars(sa.select(Alert).where(Alert.closed_at.is_not(None))
                              .order_by(Alert.closed_at.desc()).limit(limit)).all()


def elder_alerts(elder_id):
    return db.session.scalars(sa.select(Alert).where(Alert.elder_id == elder_id)
                              .order_by(Alert.opened_at.desc())).all()


def sweeps():
    return db.session.scalars(sa.select(Sweep).order_by(Sweep.started_at.desc())).all()


def sweep_checks(sweep):
    """(counts by state, rows needing attention first)."""
    rows = db.session.execute(
        sa.select(SweepCheck, Person.name, Person.village_id, IsolatedElder.care_level)
        .join(IsolatedElder, SweepCheck.elder_id == IsolatedElder.id)
        .join(Person, IsolatedElder.person_id == Person.id)
        .where(SweepCheck.sweep_id == sweep.id)).all()
    counts = dict.fromkeys(rules.SWEEP_STATES, 0)
    for check, *_ in rows:
        counts[check.state] += 1
    order = {"needs_help": 0, "unreachable": 1, "pending": 2, "checked": 3}
    rows.sort(key=lambda r: (order[r[0].state], -r[3], r[1]))
    return counts, rows


def hours_since(moment, now=None):
    return ((now or utcnow()) - moment) / timedelta(hours=1)
