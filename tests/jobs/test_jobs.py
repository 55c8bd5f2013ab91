"""Background jobs: inline in tests, a thread without Redis, progress and results."""

import time

import pytest
import sqlalchemy as sa

from welfare.extensions import db as _db
from welfare.jobs import enqueue, progress
from welfare.jobs import services as job_services
from welfare.jobs.models import Job
from welfare.jobs.services import result_dir


def count_to(job_id, n):
    for i in range(1, n + 1):
        progress(job_id, i, n, f"{i}")
    (result_dir() / f"count-{job_id}.txt").write_text(str(n))
    return {"path": f"count-{job_id}.txt", "name": "count.txt", "message": "counted"}


def explode(job_id):
    raise RuntimeError("boom")


def test_inline_job_runs_and_offers_its_result(client, as_role, db):
    user = as_role("staff")
    job = enqueue("count", "tests.jobs.test_jobs.count_to", 3, actor=user)
    db.session.refresh(job)
    assert (job.status, job.done, job.total, job.message) == ("done", 3, 3, "counted")
    state = client.get(f"/jobs/{job.id}/state").get_json()
    assert state["percent"] == 100 and state["download_url"]
    response = client.get(state["download_url"])
    assert response.data == b"3"
    response.close()
    page = client.get(f"/jobs/{job.id}").data.decode()
    assert 'class="progress"' in page


def test_failed_job_says_why(client, as_role, db):
    user = as_role("staff")
    job = enqueue("explode", "tests.jobs.test_jobs.explode", actor=user)
    db.session.refresh(job)
    assert job.status == "failed" and "boom" in job.message


def test_other_users_cannot_see_a_job(client, as_role, make_user, db):
    owner = make_user("staff")
    job = enqueue("count", "tests.jobs.test_jobs.count_to", 1, actor=owner)
    as_role("staff")
    assert client.get(f"/jobs/{job.id}").status_code == 403


@pytest.mark.postgres
def test_thread_job_commits_progress(app, committed_db):
    app.config["JOBS_INLINE"] = False
    try:
        job = enqueue("count", "tests.jobs.test_jobs.count_to", 5)
        job_id = job.id
        _db.session.commit()  # the job starts once the caller's transaction commits
        for _ in range(100):
            _db.session.expire_all()
            status = _db.session.scalar(sa.select(Job.status).where(Job.id == job_id))
            if status in ("done", "failed"):
                break
            time.sleep(0.1)
        assert status == "done"
        assert _db.session.scalar(sa.select(Job.done).where(Job.id == job_id)) == 5
    finally:
        app.config.pop("JOBS_INLINE")


@pytest.fixture
def queued_jobs(app, monkeypatch):
    """Jobs queued as in production (not inline); the ids their start was asked for."""
    started = []
    monkeypatch.setattr(job_services, "_start",
                        lambda _app, job_id, func_path, args, attempt=1: started.append(job_id))
    monkeypatch.setitem(app.config, "JOBS_INLINE", False)
    return started


def test_a_job_starts_only_after_the_callers_commit(queued_jobs, db):
    job = enqueue("count", "tests.jobs.test_jobs.count_to", 1)
    assert job.status == "queued" and queued_jobs == []  # nothing committed, nothing started
    db.session.commit()
    assert queued_jobs == [job.id]
    assert db.session.scalar(sa.select(Job.status).where(Job.id == job.id)) == "queued"


def test_a_rolled_back_job_never_starts(queued_jobs, db):
    enqueue("count", "tests.jobs.test_jobs.count_to", 1)
    db.session.rollback()
    db.session.commit()  # a later commit must not start the dropped job
    assert queued_jobs == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0


def test_a_job_whose_row_is_gone_is_not_run(app, db):
    job_services.run(2**31 - 1, "tests.jobs.test_jobs.explode", ())  # must not raise
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Job)) == 0


@pytest.mark.postgres
def test_a_recount_asked_by_a_page_commits_its_claim_and_job_only(app, committed_db,
                                                                  queued_jobs):
    from datetime import date

    from welfare.reports import snapshots
    from welfare.reports.models import ReportSnapshot

    today = date.today()
    snapshots.refresh(today)
    _db.session.commit()
    _db.session.add(Job(kind="the page's own write", message=""))  # never committed
    _db.session.flush()
    assert snapshots.request_recount(snapshots.find(today)) is True
    _db.session.rollback()  # the page ends without a commit
    kinds = _db.session.scalars(sa.select(Job.kind)).all()
    assert kinds == ["reports_recount"] and len(queued_jobs) == 1
    assert _db.session.scalar(sa.select(ReportSnapshot.recount_requested_at)) is not None
    assert snapshots.request_recount(snapshots.find(today)) is False  # claimed already
    assert len(queued_jobs) == 1
