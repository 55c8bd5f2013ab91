"""Big typed-back sheets recorded in the background (welfare.jobs), with progress and a
downloadable list of the rows that were not recorded."""

import csv
import io
import uuid
from pathlib import Path

from flask import current_app, url_for
from flask_babel import gettext as _

from welfare.auth.models import User
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.rounds import reconcile
from welfare.rounds.models import Round


def upload_dir():
    path = Path(current_app.instance_path) / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def start(round_, filename, data, actor, all_or_nothing):
    """Keep the upload beside the instance and queue its recording; returns the job."""
    from welfare.jobs import enqueue

    token = uuid.uuid4().hex
    (upload_dir() / token).write_bytes(data)
    return enqueue("round_outcomes", "welfare.rounds.outcomes_job.run", round_.id, token,
                   filename, actor.id, all_or_nothing, actor=actor,
                   return_url=url_for("rounds.progress", round_id=round_.id))


def _problems_file(job_id, round_id, lines):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Row"), _("Problem")])
    writer.writerows(lines)
    from welfare.jobs.services import result_dir

    name = f"round-{round_id}-job-{job_id}-problems.csv"
    (result_dir() / name).write_bytes(buffer.getvalue().encode("utf-8-sig"))
    return name


def run(job_id, round_id, token, filename, actor_id, all_or_nothing):
    """Record a typed-back sheet; the job runner commits. Problems go into a CSV result."""
    from welfare.jobs import progress
    from welfare.jobs.services import inline

    progress(job_id, 0, message=_("Recording the outcomes in %(name)s", name=filename))
    path = upload_dir() / token
    try:
        data = path.read_bytes()
    finally:
        path.unlink(missing_ok=True)
    round_, actor = db.session.get(Round, round_id), db.session.get(User, actor_id)
    # On SQLite a progress write from another connection would wait for this job's writes.
    report = (None if not inline() and db.engine.dialect.name == "sqlite"
              else lambda done, total: progress(job_id, done, total))
    try:
        with db.session.begin_nested():
            recorded, problems, more = reconcile.import_outcomes(
                round_, filename, data, actor, all_or_nothing=all_or_nothing,
                on_progress=report)
    except ServiceError as exc:
        if any(field == "file" for field, _message in exc.errors):
            raise RuntimeError(str(exc)) from exc
        name = _problems_file(job_id, round_id, [["", m] for _field, m in exc.errors])
        return {"path": name, "name": "problems.csv",
                "message": _("Nothing was recorded: some rows have problems. Download the "
                             "list, correct the file and upload it again.")}
    if not problems:
        return {"message": _("%(n)s outcomes recorded.", n=f"{recorded:,}")}
    lines = [[line, message] for line, message in problems]
    if more:
        lines.append(["", _("%(n)s more rows have problems.", n=f"{more:,}")])
    return {"path": _problems_file(job_id, round_id, lines), "name": "problems.csv",
            "message": _("%(n)s outcomes recorded; %(bad)s rows were not. Download the list.",
                         n=f"{recorded:,}", bad=f"{len(problems) + more:,}")}
