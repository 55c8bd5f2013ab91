"""Roster import in the browser: upload, preview (a dry run), confirm or cancel."""

import uuid
from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from welfare import exports
from welfare.auth.permissions import CLERKS, roles_required
from welfare.core import rocdate
from welfare.params import page_arg
from welfare.roster import bp, feeds, import_jobs, quality_store, queries
from welfare.roster.feeds import import_file
from welfare.roster.importer import COLUMNS
from welfare.roster.importer_read import EXTENSIONS, ImportFileError, extension_of, open_table
from welfare.uow import unit_of_work
from welfare.web import village_name

ERRORS_PER_PAGE = 50
# Files this long are saved in the background, with a progress page, not in the request.
BACKGROUND_ROWS = 5000
# Uploads bigger than this (about 5,000 rows) are also checked in the background.
BACKGROUND_BYTES = 400_000
DATE_KEYS = ("birth_date", "registered_on", "date", "status_date", "certified_from",
             "certified_until", "assessed_on")


def _stored(token):
    """(upload path, saved preview) for the current user's upload, else 404."""
    meta = None if token.strip("0123456789abcdef") else import_jobs.read_meta(token)
    if meta is None or meta["user_id"] != current_user.id:
        abort(404)
    return import_jobs.upload_path(token, meta), meta


def _revive(row):
    return {k: date.fromisoformat(v) if k in DATE_KEYS and v else v for k, v in row.items()}


@bp.route("/people/import", methods=["GET", "POST"])
@roles_required(*CLERKS)
def import_upload():
    errors, kind = [], request.values.get("kind", "")
    if kind not in feeds.KINDS:
        kind = ""  # recognised from the column headings
    end_text, end_missing = request.values.get("end_missing", "").strip(), None
    if request.method == "POST":
        upload = request.files.get("file")
        ext = extension_of(upload.filename) if upload else ""
        if end_text:
            try:
                end_missing = rocdate.parse(end_text)
            except rocdate.InvalidDate:
                errors.append(("end_missing", _("Write the date like 114/10/31 or "
                                                "2025-10-31.")))
            else:
                if kind and kind not in feeds.END_MISSING_KINDS:
                    errors.append(("end_missing", _(
                        "Ending what a full list no longer names works for low-income lists "
                        "and household files only.")))
        if upload is None or not upload.filename:
            errors.append(("file", _("Choose a file to import.")))
        elif ext not in EXTENSIONS:
            errors.append(("file", _("Choose a CSV or Excel (.xlsx) file.")))
        elif not errors:
            response, problem = _accept(upload, ext, kind or None, end_missing)
            if response is not None:
                return response
            errors.append(("file", problem))
    return render_template("roster/import_upload.html", errors=errors, kinds=feeds.KINDS,
                           kind=kind, end_text=end_text,
                           end_kinds=feeds.END_MISSING_KINDS), (400 if errors else 200)


def _accept(upload, ext, kind=None, end_missing=None):
    """Save and check an upload of the given kind (None: recognised from its headings):
    (a redirect to its preview or its job, None), or (None, why it cannot be imported)."""
    import_jobs.sweep()
    token = uuid.uuid4().hex
    path = import_jobs.folder() / f"{token}.{ext}"
    upload.save(path)
    meta = {"user_id": current_user.id, "ext": ext, "filename": upload.filename, "kind": kind,
            "end_missing": end_missing.isoformat() if end_missing else None}
    if path.stat().st_size > BACKGROUND_BYTES:
        problem, meta["kind"] = _file_problem(path, upload.filename, kind)
        if problem:
            path.unlink(missing_ok=True)
            return None, problem
        with unit_of_work():
            job = import_jobs.start_preview(
                token, meta, current_user, url_for("roster.import_preview", token=token))
        return redirect(url_for("jobs.job", job_id=job.id)), None
    result = import_file(path, kind=kind, dry_run=True, actor=current_user,
                         filename=upload.filename, end_missing=end_missing)
    if result.file_error:
        path.unlink(missing_ok=True)
        return None, result.file_error
    import_jobs.write_meta(token, {**meta, **import_jobs.preview_meta(result)})
    return redirect(url_for("roster.import_preview", token=token)), None


def _file_problem(path, filename, kind):
    """(why a big file cannot be imported at all (too many rows, damaged, wrong type, kind
    not recognised) or None, its kind), found in a second or two, before a background check
    is started."""
    try:
        if kind is None:
            kind = feeds.recognise_file(path.read_bytes(), filename)
        else:
            open_table(path.read_bytes(), filename, feeds.HEADER_KEYS)
    except ImportFileError as exc:
        return str(exc), kind
    return None, kind


@bp.route("/people/import/template.<any(csv, xlsx):fmt>")
@roles_required(*CLERKS)
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
@roles_required(*CLERKS)
def import_preview(token):
    _path, meta = _stored(token)
    if meta.get("pending"):  # still being checked in the background
        job_id = import_jobs.preview_job_id(token)
        if job_id is None:
            abort(404)
        return redirect(url_for("jobs.job", job_id=job_id))
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
        kind_label=feeds.KINDS[meta.get("kind") or "people"].label,
        end_missing=import_jobs.end_missing(meta),
        valid_sample=[_revive(r) for r in meta["valid_sample"][:20]],
        village_names={v.id: village_name(v) for v in queries.villages()},
        update_sample=[{**u, "before": _revive(u["before"]), "after": _revive(u["after"])}
                       for u in meta["update_sample"][:20]],
    )


@bp.route("/people/import/<string(length=32):token>/confirm", methods=["POST"])
@roles_required(*CLERKS)
def import_confirm(token):
    path, meta = _stored(token)
    if meta.get("pending"):
        abort(409)
    if meta["result"]["rows"] >= BACKGROUND_ROWS:
        with unit_of_work():
            job = import_jobs.start_import(token, meta["result"]["rows"], current_user,
                                           url_for("roster.people"))
        return redirect(url_for("jobs.job", job_id=job.id))
    result = import_file(path, kind=meta.get("kind"), dry_run=False, actor=current_user,
                         filename=meta["filename"], end_missing=import_jobs.end_missing(meta))
    import_jobs.discard(token)
    if result.file_error:
        flash(result.file_error, "error")
        return redirect(url_for("roster.import_upload"))
    if result.created or result.updated:  # the import has committed: recount in the background
        with unit_of_work():
            quality_store.request_recount(current_user, url_for("roster.quality_page"))
    session["import_result"] = {**result.to_dict(),
                                "errors": len(result.errors) + result.errors_more,
                                "unchanged": result.unchanged, "filename": meta["filename"],
                                "kind": result.kind, "ended": result.ended,
                                "removed": result.removed}
    if result.kind in ("people", "changes"):
        flash(_("The import is finished: %(created)s people added, %(updated)s changed.",
                created=result.created, updated=result.updated), "success")
    else:
        flash(_("The import is finished: %(created)s records added, %(updated)s changed.",
                created=result.created, updated=result.updated), "success")
    return redirect(url_for("roster.import_result"))


@bp.route("/people/import/<string(length=32):token>/cancel", methods=["POST"])
@roles_required(*CLERKS)
def import_cancel(token):
    _stored(token)
    import_jobs.discard(token)
    flash(_("The import was cancelled; nothing was written."), "success")
    return redirect(url_for("roster.import_upload"))


@bp.route("/people/import/result")
@roles_required(*CLERKS)
def import_result():
    result = session.get("import_result")
    if result is None:
        return redirect(url_for("roster.import_upload"))
    return render_template("roster/import_result.html", result=result)
