"""Roster import in the browser: upload, preview (a dry run), confirm or cancel."""

import json
import time
import uuid
from datetime import date
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from welfare import exports
from welfare.auth.models import User
from welfare.auth.permissions import ROSTER_WRITERS, roles_required
from welfare.extensions import db
from welfare.params import page_arg
from welfare.roster import bp, queries
from welfare.roster.importer import COLUMNS, HEADER_KEYS, REQUIRED, import_file
from welfare.roster.importer_read import EXTENSIONS, ImportFileError, extension_of, open_table
from welfare.web import village_name

ERRORS_PER_PAGE = 50
# Files this long are saved in the background, with a progress page, not in the request.
BACKGROUND_ROWS = 5000
# Uploads bigger than this (about 5,000 rows) are also checked in the background.
BACKGROUND_BYTES = 400_000
KEEP_SECONDS = 24 * 3600
DATE_KEYS = ("birth_date", "registered_on")


def _folder():
    folder = Path(current_app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _sweep(folder):
    """Uploads left unconfirmed for a day are deleted (they hold personal data)."""
    limit = time.time() - KEEP_SECONDS
    for path in folder.iterdir():
        if path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)


def _stored(token):
    """(upload path, saved preview) for the current user's upload, else 404."""
    folder = _folder()
    meta_path = folder / f"{token}.json"
    if token.strip("0123456789abcdef") or not meta_path.exists():
        abort(404)
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    if meta["user_id"] != current_user.id:
        abort(404)
    return folder / f"{token}.{meta['ext']}", meta


def _discard(token):
    for path in _folder().glob(f"{token}.*"):
        path.unlink(missing_ok=True)


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def _revive(row):
    return {k: date.fromisoformat(v) if k in DATE_KEYS and v else v for k, v in row.items()}


@bp.route("/people/import", methods=["GET", "POST"])
@roles_required(*ROSTER_WRITERS)
def import_upload():
    errors = []
    if request.method == "POST":
        upload = request.files.get("file")
        ext = extension_of(upload.filename) if upload else ""
        if upload is None or not upload.filename:
            errors.append(_("Choose a file to import."))
        elif ext not in EXTENSIONS:
            errors.append(_("Choose a CSV or Excel (.xlsx) file."))
        else:
            response, problem = _accept(upload, ext)
            if response is not None:
                return response
            errors.append(problem)
    return render_template("roster/import_upload.html", errors=errors,
                           columns=[COLUMNS[k][0] for k in REQUIRED],
                           optional=[COLUMNS[k][0] for k in COLUMNS if k not in REQUIRED]), \
        (400 if errors else 200)


def _accept(upload, ext):
    """Save and check an upload: (a redirect to its preview or its job, None), or
    (None, why it cannot be imported)."""
    folder = _folder()
    _sweep(folder)
    token = uuid.uuid4().hex
    path = folder / f"{token}.{ext}"
    upload.save(path)
    meta = {"user_id": current_user.id, "ext": ext, "filename": upload.filename}
    if path.stat().st_size > BACKGROUND_BYTES:
        problem = _file_problem(path, upload.filename)
        if problem:
            path.unlink(missing_ok=True)
            return None, problem
        return _preview_in_background(folder, token, meta), None
    result = import_file(path, dry_run=True, actor=current_user, filename=upload.filename)
    if result.file_error:
        path.unlink(missing_ok=True)
        return None, result.file_error
    _write_meta(folder, token, {**meta, **_preview_meta(result)})
    return redirect(url_for("roster.import_preview", token=token)), None


def _file_problem(path, filename):
    """Why a big file cannot be imported at all (too many rows, damaged, wrong type), found
    in a second or two, before a background check is started; else None."""
    try:
        open_table(path.read_bytes(), filename, set(HEADER_KEYS))
    except ImportFileError as exc:
        return str(exc)
    return None


def _preview_meta(result):
    """What the preview page shows of a dry run, kept beside the upload."""
    return {"result": result.to_dict(), "unchanged": result.unchanged,
            "errors_more": result.errors_more,
            "headers": result.headers,
            "valid_sample": [{k: _plain(v) for k, v in r.items()} for r in result.valid_sample],
            "update_sample": [
                {**u, "before": {k: _plain(v) for k, v in u["before"].items()},
                 "after": {k: _plain(v) for k, v in u["after"].items()}}
                for u in result.update_sample]}


def _write_meta(folder, token, meta):
    (folder / f"{token}.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")


def _preview_in_background(folder, token, meta):
    """Check a big upload in a job; its page leads on to the preview when done."""
    from welfare.jobs import enqueue

    _write_meta(folder, token, {**meta, "pending": True})
    job = enqueue("roster_preview", "welfare.roster.views_import.preview_job", token,
                  current_user.id, actor=current_user,
                  return_url=url_for("roster.import_preview", token=token))
    if (folder / f"{token}.json").exists():  # not already failed and deleted
        (folder / f"{token}.job").write_text(str(job.id), encoding="utf-8")
    db.session.commit()
    return redirect(url_for("jobs.job", job_id=job.id))


def preview_job(job_id, token, user_id):
    """Background dry run of a big upload: judge every row, keep the preview, write nothing."""
    from welfare.jobs import progress

    folder = _folder()
    meta = json.loads((folder / f"{token}.json").read_text(encoding="utf-8"))
    progress(job_id, 0, message=_("Checking %(name)s", name=meta["filename"]))
    result = import_file(folder / f"{token}.{meta['ext']}", dry_run=True,
                         actor=db.session.get(User, user_id), filename=meta["filename"],
                         on_progress=lambda done, total: progress(job_id, done, total))
    if result.file_error:
        _discard(token)
        raise RuntimeError(result.file_error)
    meta = {key: meta[key] for key in ("user_id", "ext", "filename")}
    _write_meta(folder, token, {**meta, **_preview_meta(result)})
    return {"message": _("Checked %(rows)s rows: %(valid)s can be imported. Open the preview "
                         "to confirm.", rows=f"{result.rows:,}", valid=f"{result.valid:,}")}


@bp.route("/people/import/template.<any(csv, xlsx):fmt>")
@roles_required(*ROSTER_WRITERS)
def import_template(fmt):
    headers = [aliases[0] for aliases in COLUMNS.values()]
    example = ["E194580734", "王小明", "049/12/31", "東林里", 5, "東林路100號", "男",
               "07-6411111", "0912345678", "080/01/15", "否"]
    body = exports.to_xlsx(headers, [example]) if fmt == "xlsx" else exports.to_csv(
        headers, [example])
    mimetype = exports.XLSX_MIMETYPE if fmt == "xlsx" else exports.CSV_MIMETYPE
    return current_app.response_class(body, mimetype=mimetype, headers={
        "Content-Disposition": f"attachment; filename=roster-template.{fmt}"})


@bp.route("/people/import/<string(length=32):token>")
@roles_required(*ROSTER_WRITERS)
def import_preview(token):
    _path, meta = _stored(token)
    if meta.get("pending"):  # still being checked in the background
        job_file = _folder() / f"{token}.job"
        if job_file.exists():
            return redirect(url_for("jobs.job", job_id=int(job_file.read_text())))
        abort(404)
    result = meta["result"]
    by_row = {}
    for error in result["errors"]:
        by_row.setdefault(error["row"], []).append(error)
    problems = list(by_row.items())
    pages = max((len(problems) + ERRORS_PER_PAGE - 1) // ERRORS_PER_PAGE, 1)
    page = min(page_arg(), pages)
    shown = problems[(page - 1) * ERRORS_PER_PAGE:page * ERRORS_PER_PAGE]
    return render_template(
        "roster/import_preview.html", token=token, meta=meta, result=result,
        rejected=result["rows"] - result["valid"], errors_shown=shown, page=page, pages=pages,
        valid_sample=[_revive(r) for r in meta["valid_sample"][:20]],
        village_names={v.id: village_name(v) for v in queries.villages()},
        update_sample=[{**u, "before": _revive(u["before"]), "after": _revive(u["after"])}
                       for u in meta["update_sample"][:20]],
    )


@bp.route("/people/import/<string(length=32):token>/confirm", methods=["POST"])
@roles_required(*ROSTER_WRITERS)
def import_confirm(token):
    path, meta = _stored(token)
    if meta.get("pending"):
        abort(409)
    if meta["result"]["rows"] >= BACKGROUND_ROWS:
        from welfare.jobs import enqueue

        job = enqueue("roster_import", "welfare.roster.views_import.import_job", token,
                      current_user.id, actor=current_user, total=meta["result"]["rows"],
                      return_url=url_for("roster.people"))
        db.session.commit()
        return redirect(url_for("jobs.job", job_id=job.id))
    result = import_file(path, dry_run=False, actor=current_user, filename=meta["filename"])
    _discard(token)
    if result.file_error:
        flash(result.file_error, "error")
        return redirect(url_for("roster.import_upload"))
    session["import_result"] = {**result.to_dict(),
                                "errors": len(result.errors) + result.errors_more,
                                "unchanged": result.unchanged, "filename": meta["filename"]}
    flash(_("The import is finished: %(created)s people added, %(updated)s changed.",
            created=result.created, updated=result.updated), "success")
    return redirect(url_for("roster.import_result"))


def import_job(job_id, token, user_id):
    """Background confirm for large files; the job runner commits."""
    from welfare.jobs import progress

    meta_path = _folder() / f"{token}.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    progress(job_id, 0, message=_("Saving %(n)s rows", n=meta["result"]["rows"]))
    result = import_file(_folder() / f"{token}.{meta['ext']}", dry_run=False,
                         actor=db.session.get(User, user_id), filename=meta["filename"],
                         commit=False,
                         on_progress=lambda done, total: progress(job_id, done, total))
    _discard(token)
    if result.file_error:
        raise RuntimeError(result.file_error)
    return {"message": _("Import finished: %(created)s people added, %(updated)s changed, "
                         "%(rejected)s rows rejected.", created=result.created,
                         updated=result.updated, rejected=result.rows - result.valid)}


@bp.route("/people/import/<string(length=32):token>/cancel", methods=["POST"])
@roles_required(*ROSTER_WRITERS)
def import_cancel(token):
    _stored(token)
    _discard(token)
    flash(_("The import was cancelled; nothing was written."), "success")
    return redirect(url_for("roster.import_upload"))


@bp.route("/people/import/result")
@roles_required(*ROSTER_WRITERS)
def import_result():
    result = session.get("import_result")
    if result is None:
        return redirect(url_for("roster.import_upload"))
    return render_template("roster/import_result.html", result=result)
