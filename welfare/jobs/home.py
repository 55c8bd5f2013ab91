"""Background jobs' part of the home work list: jobs that failed in the last week (your own;
an administrator sees everyone's)."""

from datetime import timedelta

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _

from welfare.auth import worklist
from welfare.extensions import db
from welfare.jobs.models import Job

RECENT_DAYS = 7


@worklist.provider
def failed_jobs(user, now):
    stmt = (sa.select(Job).where(Job.status == "failed",
                                 Job.created_at >= now - timedelta(days=RECENT_DAYS))
            .order_by(Job.id.desc()))
    if user.role != "admin":
        stmt = stmt.where(Job.created_by_id == user.id)
    return [worklist.WorkItem(
        title=_("A background job failed: %(message)s", message=job.message or job.kind),
        count=1, link=url_for("jobs.job", job_id=job.id), urgency=worklist.TODAY,
        detail=_("Open it to see what went wrong, then start it again."))
        for job in db.session.scalars(stmt.limit(5))]
