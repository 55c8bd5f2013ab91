"""An interrupted job on its page: what was done, Run again for its owner, the progress
that follows; axe-core on a phone and a desk."""

import sqlalchemy as sa
from playwright.sync_api import expect

from welfare.auth.models import User, utcnow
from welfare.extensions import db
from welfare.jobs.models import Job


def interrupted_job(live_server, username):
    with live_server.app.app_context():
        owner = db.session.scalar(sa.select(User).filter_by(username=username))
        job = Job(kind="count", status="failed", done=7, total=24, created_by_id=owner.id,
                  message="作業中斷（已完成 7 / 24），請重新執行。", started_at=utcnow(),
                  finished_at=utcnow(), func_path="tests.jobs.test_recovery.slow_count",
                  args="[3, 0.2]", worker="elsewhere:1:1")
        db.session.add(job)
        db.session.commit()
        job_id = job.id
        db.session.remove()
        return job_id


def test_an_interrupted_job_runs_again_from_its_page(phone_page, desk_page, login, url,
                                                     check_axe):
    for page in (phone_page, desk_page):
        login(page, "staff")
        job_id = interrupted_job(url, "staff")
        page.goto(url(f"/jobs/{job_id}"))
        expect(page.locator("h1")).to_have_text("作業未完成")
        expect(page.locator("#job-status")).to_contain_text("已完成 7 / 24")
        check_axe(page)
        page.get_by_role("button", name="重新執行").click()
        expect(page.locator("#job-status")).to_have_text("完成。", timeout=30_000)
        expect(page.locator("#job-download")).to_be_visible()
        expect(page.locator("#job-again")).to_be_hidden()
        check_axe(page)
