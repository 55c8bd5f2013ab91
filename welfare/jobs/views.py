"""A job's progress page, its polling endpoint and its result."""

from pathlib import Path

from flask import abort, jsonify, render_template, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from welfare.extensions import db
from welfare.jobs import bp, services
from welfare.jobs.models import Job
from welfare.jobs.services import result_dir
from welfare.uow import do_action


def visible_job(job_id):
    job = db.get_or_404(Job, job_id)
    if job.created_by_id != current_user.id and current_user.role != "admin":
        abort(403)
    return job


def can_run_again(job):
    """A failed job's owner may start it again."""
    return job.status == "failed" and bool(job.func_path) and job.created_by_id == current_user.id


def job_state(job):
    return {
        "id": job.id, "kind": job.kind, "status": job.status, "done": job.done,
        "total": job.total, "percent": job.percent, "message": job.message,
        "download_url": url_for("jobs.download", job_id=job.id) if job.result_path else None,
        "again": can_run_again(job),
    }


@bp.route("/jobs/<int:job_id>")
@login_required
def job(job_id):
    job = visible_job(job_id)
    return render_template("jobs/job.html", job=job, again=can_run_again(job))


@bp.route("/jobs/<int:job_id>/again", methods=["POST"])
@login_required
def again(job_id):
    job = visible_job(job_id)
    if job.created_by_id != current_user.id:
        abort(403)
    return do_action(lambda: services.again(job, actor=current_user),
                     url_for("jobs.job", job_id=job.id), notice=_("The job has started again."))


@bp.route("/jobs/<int:job_id>/state")
@login_required
def state(job_id):
    return jsonify(job_state(visible_job(job_id)))


@bp.route("/jobs/<int:job_id>/download")
@login_required
def download(job_id):
    job = visible_job(job_id)
    if job.status != "done" or not job.result_path:
        abort(404)
    path = (result_dir() / job.result_path).resolve()
    if result_dir().resolve() not in path.parents or not path.exists():
        abort(404)
    return send_file(path, as_attachment=True, download_name=job.result_name or Path(path).name)
