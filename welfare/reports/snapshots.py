"""Stored roster counts (the summary table behind the dashboard's roster figures).

A snapshot holds, for one as-of day, the people on the roster by village, age band, sex,
low-income kind and care level, and the low-income households by village and kind: the
result of the one grouped scan of a million rows, kept as a few thousand rows.

It is counted by `refresh` (from `flask reports refresh`, run by cron, and whenever a
page needs a day that has none). A roster change made through the application writes the
audit log, so a snapshot knows when it may be out of date: it is used as it is while the
roster is unchanged, recounted at once after a roster import, and otherwise recounted once
it is both changed and older than the counts may be kept (REPORTS_CACHE_SECONDS; 0, as in
tests, recounts after any change; a day in the past is kept for a day). The page says
when the numbers were counted and whether the roster has changed since.

Writes that bypass the application (SQL by hand, the demo seed) leave no audit row: run
`flask reports refresh --force` after them."""

import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm.attributes import set_committed_value

from welfare.auth import scope
from welfare.auth.models import AuditLog, utcnow
from welfare.extensions import db
from welfare.jobs import services as jobs
from welfare.reports import queries
from welfare.reports.models import (
    ReportElder,
    ReportHouseholdCount,
    ReportPeopleCount,
    ReportSnapshot,
)

# Audit entity types whose changes can move the roster counts, and actions that only read.
ROSTER_ENTITIES = ("people", "households", "household_members", "low_income_statuses",
                   "isolated_elders")
READ_ACTIONS = ("view_id", "view_sensitive", "export", "export_full_id",
                # Changes to an isolated elder that move no count: contacts, volunteers.
                "add_contact", "remove_contact", "assign")
# A roster import changes many people at once: a recount starts at once after one.
IMPORTS = ("import",)
# A recount asked for but not finished by then (a worker died) is asked for again.
RECOUNT_AGAIN = timedelta(minutes=5)


@dataclass
class Counted:
    """One day's roster counts as the dashboard uses them."""

    as_of: object
    counted_at: datetime
    people: dict = field(default_factory=dict)  # (village, band, sex, kind, level): n
    households: dict = field(default_factory=dict)  # (village, kind): n
    changed_since: bool = False
    recounted: bool = False
    # The stored snapshot (its report_elders rows list the day's isolated elders); None
    # when counted now but not stored (another worker stored the same day first).
    snapshot_id: int | None = None
    recount_requested_at: datetime | None = None  # a background recount is under way


def last_audit_id():
    """The newest audit row a count can be sure it saw. PostgreSQL hands out ids when a row
    is written, not when its transaction commits, so a roster change still open while the
    roster is counted may later appear with a smaller id than this mark. Rows younger than
    REPORTS_SETTLE_SECONDS are therefore left above the mark and looked at again."""
    stmt = sa.select(sa.func.max(AuditLog.id))
    settle = current_app.config.get("REPORTS_SETTLE_SECONDS", 0)
    if settle:
        stmt = stmt.where(AuditLog.at <= utcnow() - timedelta(seconds=settle))
    return db.session.scalar(stmt) or 0


def roster_changed_since(audit_id, actions=None, after=None):
    """True when the audit log records a roster change (one of `actions`, when given)
    after row `audit_id` (and written after the time `after`, when given)."""
    wanted = AuditLog.action.in_(actions) if actions else AuditLog.action.not_in(READ_ACTIONS)
    stmt = (sa.select(AuditLog.id)
            .where(AuditLog.id > audit_id, AuditLog.entity_type.in_(ROSTER_ENTITIES), wanted)
            .limit(1))
    if after is not None:
        stmt = stmt.where(AuditLog.at > after)
    return db.session.scalar(stmt) is not None


def find(as_of):
    return db.session.scalar(sa.select(ReportSnapshot).where(ReportSnapshot.as_of == as_of))


@scope.sees_everything
def refresh(as_of):
    """Count the roster on `as_of` now and store it in place of any older snapshot."""
    audit_id = last_audit_id()
    started = time.perf_counter()
    people = queries.people_counts(as_of)
    households = queries.low_income_households(as_of)
    seconds = time.perf_counter() - started
    counted = Counted(as_of, utcnow(), people, households, recounted=True)
    try:
        with db.session.begin_nested():
            counted.snapshot_id = _store(counted, audit_id, seconds)
    except sa.exc.IntegrityError:
        if find(as_of) is None:  # not another worker storing the same day meanwhile
            raise
    return counted


def _store(counted, audit_id, seconds):
    """Replace the day's cells under the same snapshot row, which is locked first: a page
    reading the snapshot meanwhile sees the old cells or the new ones, never neither."""
    snapshot = db.session.scalar(sa.select(ReportSnapshot).where(
        ReportSnapshot.as_of == counted.as_of).with_for_update())
    if snapshot is None:
        snapshot = ReportSnapshot(as_of=counted.as_of)
        db.session.add(snapshot)
    else:
        for table in (ReportPeopleCount, ReportHouseholdCount, ReportElder):
            db.session.execute(sa.delete(table).where(table.snapshot_id == snapshot.id))
    snapshot.counted_at, snapshot.audit_id = counted.counted_at, audit_id
    snapshot.seconds, snapshot.people = round(seconds, 3), sum(counted.people.values())
    snapshot.recount_requested_at = None
    db.session.flush()
    people = [{"snapshot_id": snapshot.id, "village_id": v, "band": b, "sex": s, "kind": k,
               "care_level": lv, "people": n} for (v, b, s, k, lv), n in counted.people.items()]
    homes = [{"snapshot_id": snapshot.id, "village_id": v, "kind": k, "households": n}
             for (v, k), n in counted.households.items()]
    if people:
        db.session.execute(sa.insert(ReportPeopleCount), people)
    if homes:
        db.session.execute(sa.insert(ReportHouseholdCount), homes)
    db.session.execute(sa.insert(ReportElder).from_select(
        ["snapshot_id", "elder_id", "village_id", "care_level"],
        _elders(counted.as_of, snapshot.id)))
    return snapshot.id


def _elders(as_of, snapshot_id):
    from welfare.reports.queries_domains import elder_villages

    elders = elder_villages(as_of)
    return (sa.select(sa.literal(snapshot_id), elders.c.elder_id, elders.c.village_id,
                      elders.c.care_level)
            .where(elders.c.village_id.is_not(None)))


def elders(snapshot_id):
    """(elder id, care level, village id) of a stored snapshot, as a subquery."""
    e = ReportElder
    return (sa.select(e.elder_id, e.care_level, e.village_id)
            .where(e.snapshot_id == snapshot_id).subquery("elders"))


def load(snapshot, village_ids=None):
    """The stored cells of a snapshot, only those of `village_ids` when given."""
    p, h = ReportPeopleCount, ReportHouseholdCount
    people_stmt = sa.select(p.village_id, p.band, p.sex, p.kind, p.care_level, p.people).where(
        p.snapshot_id == snapshot.id)
    homes_stmt = sa.select(h.village_id, h.kind, h.households).where(
        h.snapshot_id == snapshot.id)
    if village_ids:
        people_stmt = people_stmt.where(p.village_id.in_(sorted(village_ids)))
        homes_stmt = homes_stmt.where(h.village_id.in_(sorted(village_ids)))
    people = {(v, b, s, k, lv): n for v, b, s, k, lv, n in db.session.execute(people_stmt)}
    homes = {(v, k): n for v, k, n in db.session.execute(homes_stmt)}
    return people, homes


# A day in the past changes only through back-dated entries: its snapshot is kept for a
# day after a roster change (the nightly refresh recounts it), today's for the cache time.
PAST_KEEP_SECONDS = 24 * 3600


def keep_seconds_for(as_of, today, keep_seconds):
    if keep_seconds <= 0 or as_of >= today:
        return keep_seconds
    return max(keep_seconds, PAST_KEEP_SECONDS)


def current(as_of, keep_seconds, village_ids=None, again=True):
    """The roster counts on `as_of`, narrowed to `village_ids`: the stored snapshot, which
    is counted now only when the day has none. A changed roster's snapshot is still used
    while a recount runs in the background (asked for at once after an import, otherwise
    once the snapshot is older than `keep_seconds`)."""
    snapshot = find(as_of)
    if snapshot is None:
        return _narrowed(refresh(as_of), village_ids)
    # Rows above the mark but written before the count (still settling, see last_audit_id)
    # may be in it already: they make a quiet recount due, but the page says "changed" only
    # for changes written after the count.
    changed = roster_changed_since(snapshot.audit_id)
    seen = changed and roster_changed_since(snapshot.audit_id, after=snapshot.counted_at)
    people, homes = load(snapshot, village_ids)
    counted = Counted(as_of, snapshot.counted_at, people, homes, changed_since=seen,
                      snapshot_id=snapshot.id,
                      recount_requested_at=snapshot.recount_requested_at)
    if changed and (_age(snapshot) >= keep_seconds or
                    roster_changed_since(snapshot.audit_id, IMPORTS)):
        started = request_recount(snapshot)
        if started and again and find(as_of).counted_at != counted.counted_at:
            return current(as_of, keep_seconds, village_ids, again=False)  # it has run
        counted.recount_requested_at = snapshot.recount_requested_at
    return counted


def _narrowed(counted, village_ids):
    if village_ids:
        counted.people = {k: n for k, n in counted.people.items() if k[0] in village_ids}
        counted.households = {k: n for k, n in counted.households.items()
                              if k[0] in village_ids}
    return counted


def request_recount(snapshot):
    """Start a background job recounting the snapshot's day unless one was started less than
    RECOUNT_AGAIN ago; True when started now. A statistics GET does not commit, yet the claim
    must hold for other pages and the worker must see its job: both commit on their own."""
    now = utcnow()
    if jobs.inline():  # the job runs at once, in the caller's transaction (tests)
        claimed = _claim(db.session, snapshot, now)
    else:
        with sa.orm.Session(db.engine) as own, own.begin():  # its own commit (see above)
            claimed = _claim(own, snapshot, now)
    if not claimed:
        db.session.refresh(snapshot)
        return False
    # what the claim stored, without making the page's own transaction write it again
    set_committed_value(snapshot, "recount_requested_at", now)
    return True


def _claim(session, snapshot, now):
    asked = ReportSnapshot.recount_requested_at
    claimed = session.execute(
        sa.update(ReportSnapshot).values(recount_requested_at=now)
        .where(ReportSnapshot.id == snapshot.id,
               sa.or_(asked.is_(None), asked < now - RECOUNT_AGAIN))
        .execution_options(synchronize_session=False)).rowcount == 1
    if claimed:
        jobs.enqueue("reports_recount", "welfare.reports.snapshots.recount_job",
                     snapshot.as_of.isoformat(), session=session)
    return claimed


def recount_job(job_id, day):
    """Background job: count the roster on `day` (YYYY-MM-DD) and store it."""
    refresh(date.fromisoformat(day))


def _age(snapshot):
    return (utcnow() - snapshot.counted_at).total_seconds()


def due_days(today, months):
    """Today and the last `months` month-ends: the days the dashboard's periods end on."""
    from welfare.reports.rules import add_months, month_end

    return [today] + [month_end(add_months(today, -n)) for n in range(1, months + 1)]


def prune(today):
    """Delete the snapshots of past days that no period ends on (earlier days' "today"),
    so that a year of daily refreshes keeps about twelve snapshots, not 365."""
    from welfare.reports.rules import month_end

    stale = [i for i, day in db.session.execute(sa.select(ReportSnapshot.id,
                                                          ReportSnapshot.as_of))
             if day < today and day != month_end(day)]
    if stale:
        for table in (ReportPeopleCount, ReportHouseholdCount, ReportElder):
            db.session.execute(sa.delete(table).where(table.snapshot_id.in_(stale)))
        db.session.execute(sa.delete(ReportSnapshot).where(ReportSnapshot.id.in_(stale)))
    return len(stale)


def refresh_due(today, months=13, force=False):
    """Recount each due day that has no snapshot or whose roster changed since (every one
    with `force`), committing each; [(day, seconds, or None when it was kept)]. Earlier
    days' snapshots that no period ends on are deleted first."""
    prune(today)
    db.session.commit()
    done = []
    for day in due_days(today, months):
        snapshot = find(day)
        newest = last_audit_id()
        if not force and snapshot is not None and not roster_changed_since(snapshot.audit_id):
            # Unchanged up to `newest`: later checks need only read the audit rows after it.
            snapshot.audit_id = max(snapshot.audit_id, newest)
            db.session.commit()
            done.append((day, None))
            continue
        started = time.perf_counter()
        refresh(day)
        db.session.commit()
        done.append((day, time.perf_counter() - started))
    return done
