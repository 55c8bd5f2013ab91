"""The roster import's service side: uploads kept beside their saved preview until confirmed,
and the two background jobs (the dry run of a big upload, the import of a long file)."""

import json
import time
from datetime import date
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from welfare.auth.models import User
from welfare.extensions import db
from welfare.jobs.services import enqueue, progress
from welfare.roster.feeds import import_file

KEEP_SECONDS = 24 * 3600
# The job functions, named once: the queue finds them by these paths.
PREVIEW_JOB = f"{__name__}.preview_job"
IMPORT_JOB = f"{__name__}.import_job"


def folder():
    """Where uploads and their previews wait (under the instance folder)."""
    path = Path(current_app.instance_path) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def sweep():
    """Uploads left unconfirmed for a day are deleted (they hold personal data)."""
    limit = time.time() - KEEP_SECONDS
    for path in folder().iterdir():
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def read_meta(token):
    """The saved preview of an upload, or None."""
    path = folder() / f"{token}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def write_meta(token, meta):
    (folder() / f"{token}.json").write_text(json.dumps(meta, ensure_ascii=False),
                                            encoding="utf-8")


def upload_path(token, meta):
    return folder() / f"{token}.{meta['ext']}"


def discard(token):
    """Delete an upload and everything kept beside it."""
    for path in folder().glob(f"{token}.*"):
        path.unlink(missing_ok=True)


def end_missing(meta):
    """The date of a full list (low-income statuses or household members it no longer names
    end on it), or None."""
    value = meta.get("end_missing")
    return date.fromisoformat(value) if value else None


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def preview_meta(result):
    """What the preview page shows of a dry run, kept beside the upload."""
    return {"result": result.to_dict(), "unchanged": result.unchanged, "ended": result.ended,
            "removed": result.removed,
            "kind": getattr(result, "kind", None) or "people",
            "errors_more": result.errors_more,
            "headers": result.headers,
            "valid_sample": [{k: _plain(v) for k, v in r.items()} for r in result.valid_sample],
            "update_sample": [
                {**u, "before": {k: _plain(v) for k, v in u["before"].items()},
                 "after": {k: _plain(v) for k, v in u["after"].items()}}
                for u in result.update_sample]}


def start_preview(token, meta, actor, return_url):
    """Check a big upload in a job; the job's page leads on to the preview when done."""
    write_meta(token, {**meta, "pending": True})
    job = enqueue("roster_preview", PREVIEW_JOB, token, actor.id, actor=actor,
                  return_url=return_url)
    if (folder() / f"{token}.json").exists():  # not already failed and deleted
        (folder() / f"{token}.job").write_text(str(job.id), encoding="utf-8")
    return job


def preview_job_id(token):
    """The job still checking this upload, or None."""
    path = folder() / f"{token}.job"
    return int(path.read_text()) if path.exists() else None


def start_import(token, rows, actor, return_url):
    """Import a long, already checked file in a job."""
    return enqueue("roster_import", IMPORT_JOB, token, actor.id, actor=actor, total=rows,
                   return_url=return_url)


def preview_job(job_id, token, user_id):
    """Background dry run of a big upload: judge every row, keep the preview, write nothing."""
    meta = read_meta(token)
    progress(job_id, 0, message=_("Checking %(name)s", name=meta["filename"]))
    result = import_file(upload_path(token, meta), kind=meta.get("kind"), dry_run=True,
                         actor=db.session.get(User, user_id), filename=meta["filename"],
                         end_missing=end_missing(meta),
                         on_progress=lambda done, total: progress(job_id, done, total))
    if result.file_error:
        discard(token)
        raise RuntimeError(result.file_error)
    meta = {key: meta.get(key) for key in ("user_id", "ext", "filename", "end_missing")}
    write_meta(token, {**meta, **preview_meta(result)})
    return {"message": _("Checked %(rows)s rows: %(valid)s can be imported. Open the preview "
                         "to confirm.", rows=f"{result.rows:,}", valid=f"{result.valid:,}")}


def import_job(job_id, token, user_id):
    """Background confirm for large files; the job runner commits."""
    meta = read_meta(token)
    progress(job_id, 0, message=_("Saving %(n)s rows", n=meta["result"]["rows"]))
    result = import_file(upload_path(token, meta), kind=meta.get("kind"), dry_run=False,
                         actor=db.session.get(User, user_id), filename=meta["filename"],
                         end_missing=end_missing(meta), commit=False,
                         on_progress=lambda done, total: progress(job_id, done, total))
    discard(token)
    if result.file_error:
        raise RuntimeError(result.file_error)
    if result.created or result.updated:  # started once the runner commits this import
        from welfare.roster import quality_store

        quality_store.request_recount(db.session.get(User, user_id))
    return {"message": _("Import finished: %(created)s people added, %(updated)s changed, "
                         "%(rejected)s rows rejected.", created=result.created,
                         updated=result.updated, rejected=result.rows - result.valid)}
