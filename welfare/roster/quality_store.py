"""Stored data-quality counts: the quality page's counts per village and check, kept in
quality_counts so that the page and the clerks' home work list read a few hundred rows instead
of scanning every person (about 300 ms at a million people).

A recount never runs in the request or the import that asks for it: it is a background job
(`request_recount`, started once the asking transaction commits: after an import that changed
the register, or from the page's button), or the scheduled task `recount_task` every
QUALITY_RECOUNT_SECONDS (0: never, as in tests). Two recounts at once both finish: each row
is written with one upsert, in the same order. Stored counts are used while they are fresh
(counted today, less than QUALITY_FRESH_SECONDS ago); otherwise the page counts live."""

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql, sqlite

from welfare.auth import scope
from welfare.auth.models import utcnow
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.jobs.services import enqueue, progress
from welfare.roster import quality
from welfare.roster.models import QualityCount

RECOUNT_JOB = f"{__name__}.recount_job"


def _local_day(moment):
    zone = ZoneInfo(current_app.config.get("BABEL_DEFAULT_TIMEZONE", "Asia/Taipei"))
    return moment.replace(tzinfo=UTC).astimezone(zone).date()


@scope.sees_everything
def count(now=None):
    """Every check in every village counted now: the rows to store."""
    now = now or utcnow()
    found, _villages = quality.counts(_local_day(now))
    village_ids = db.session.scalars(sa.select(Village.id).order_by(Village.id)).all()
    return [{"village_id": v, "check_key": c.key, "count": found.get(v, {}).get(c.key, 0),
             "counted_at": now} for v in village_ids for c in quality.CHECKS]


def store(rows):
    """Write the counted rows (no commit): one upsert, in village and check order, so that
    two recounts at once wait for each other instead of failing or deadlocking."""
    if rows:
        dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
        insert = dialect.insert(QualityCount)
        db.session.execute(insert.on_conflict_do_update(
            index_elements=["village_id", "check_key"],
            set_={"count": insert.excluded.count, "counted_at": insert.excluded.counted_at}),
            rows)
    return len(rows)


def recount(now=None):
    """Count and store (no commit); how many rows were written."""
    return store(count(now))


def recount_task(now=None):
    """The scheduler's turn: recount and commit."""
    written = recount(now)
    db.session.commit()
    return written


def recount_job(job_id):
    """Background job: recount the stored counts (the job runner commits). Progress is
    reported before the write: on SQLite the write lock is held until the runner commits."""
    progress(job_id, 0, total=2, message=_("Counting the records of every village"))
    rows = count()
    progress(job_id, 1)
    written = store(rows)
    return {"message": _("The data-quality counts were recounted (%(n)s villages).",
                         n=written // max(len(quality.CHECKS), 1))}


def request_recount(actor, return_url=""):
    """Start a recount job once the caller's transaction commits; the job."""
    return enqueue("roster_quality", RECOUNT_JOB, actor=actor, total=2, return_url=return_url)


def stored(village_ids, now=None):
    """({village id: {check key: count}}, counted_at) of the stored counts of these villages
    when every check of every one is stored and fresh, else None."""
    if not village_ids:
        return None
    now = now or utcnow()
    rows = db.session.execute(sa.select(QualityCount.village_id, QualityCount.check_key,
                                        QualityCount.count, QualityCount.counted_at)
                              .where(QualityCount.village_id.in_(sorted(village_ids)))).all()
    keys = {c.key for c in quality.CHECKS}
    found, seen, oldest = {}, set(), None
    for village_id, key, count, counted_at in rows:
        if key not in keys:
            continue
        seen.add((village_id, key))
        oldest = counted_at if oldest is None else min(oldest, counted_at)
        if count:
            found.setdefault(village_id, {})[key] = count
    if len(seen) < len(village_ids) * len(keys) or not fresh(oldest, now):
        return None
    return found, oldest


def fresh(counted_at, now):
    """Counted on the office's today and less than QUALITY_FRESH_SECONDS ago (the checks
    count against today's date: expiring statuses, assessments a year old)."""
    limit = timedelta(seconds=current_app.config.get("QUALITY_FRESH_SECONDS", 86400))
    return (counted_at is not None and now - counted_at < limit
            and _local_day(counted_at) == _local_day(now))

