"""Reconciliation writers: typed-back sheets of outcomes, bank files, print jobs."""

import csv
import io
from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from welfare.auth import audit
from welfare.auth.models import User
from welfare.core import idno, rocdate
from welfare.core.text import strip_invisible
from welfare.errors import ServiceError
from welfare.extensions import db
from welfare.rounds import payouts, queries, sheets
from welfare.rounds.models import Round, RoundEntry
from welfare.rounds.rules import outcome_from_word
from welfare.uploads import UploadError, csv_rows, setting, xlsx_rows

HEADERS = {
    "code": ("條碼", "code", "token"), "id_number": ("身分證字號", "id_number"),
    "outcome": ("結果", "outcome"), "date": ("日期", "date", "paid_on"),
    "proxy_name": ("代領人姓名", "proxy_name"),
    "proxy_id_number": ("代領人身分證字號", "proxy_id_number"),
    "proxy_relationship": ("關係", "proxy_relationship", "relationship"),
    "seal_checked": ("已核對證件印章", "seal_checked"), "note": ("備註", "note"),
}
TEMPLATE_COLUMNS = ("條碼", "姓名", "村里", "金額", "結果", "日期", "代領人姓名",
                    "代領人身分證字號", "關係", "已核對證件印章", "備註")
YES = {"y", "yes", "是", "1", "v", "ok", "true", "✓"}


def read_table(filename, data, headers=None, required=(("outcome",), ("code", "id_number")),
               missing=None):
    """(rows, row count) of a typed-back sheet (or a bank's result file) in CSV or XLSX
    bytes: rows is an iterator of (line, dict keyed by our field names from `headers`), read
    as it is recorded. Whole-file problems (wrong type, unreadable, damaged, too many rows,
    no column of each `required` group: `missing` says which) raise ServiceError."""
    headers = headers or HEADERS
    name = (filename or "").lower()
    try:
        if name.endswith((".xlsx", ".xlsm")):
            lines, count = xlsx_rows(data)
        elif name.endswith(".csv"):
            lines, count = csv_rows(data)
        else:
            raise ServiceError(("file", _("Upload a .csv or .xlsx file.")))
        first = next(lines, None)
    except UploadError as exc:
        raise ServiceError(("file", str(exc))) from exc
    if first is None:
        raise ServiceError(("file", _("The file is empty.")))
    names = {}
    for index, header in enumerate(_texts(first[1])):
        for key, words in headers.items():
            if header.strip().lower() in words:
                names[index] = key
    if not all(set(group) & set(names.values()) for group in required):
        raise ServiceError(("file", missing or _("The first row must name the columns: 條碼 "
                                                 "(or 身分證字號) and 結果 at least.")))
    return _rows(lines, names), count


def _texts(values):
    return [strip_invisible("" if v is None else str(v)) for v in values]


def _rows(lines, names):
    try:
        for line, values in lines:
            values = _texts(values)
            row = {key: (values[i].strip() if i < len(values) else "") for i, key in names.items()}
            if any(row.values()):
                yield line, row
    except UploadError as exc:
        raise ServiceError(("file", str(exc))) from exc


def _parse_row(round_, row):
    """(entry, outcome, date, proxy, note) or raise ServiceError with the row's problem."""
    entry = None
    if row.get("code"):
        entry = queries.lookup(round_.id, row["code"])
    elif row.get("id_number"):
        entry = queries.lookup(round_.id, idno.normalise(row["id_number"]))
    if entry is None:
        raise ServiceError(_("No one on this round has that code or ID number."))
    if not row.get("outcome"):
        return None
    outcome = outcome_from_word(row["outcome"])
    if outcome is None:
        raise ServiceError(_("Unknown outcome %(word)s; use 本人, 代領, 轉帳, 未遇, 死亡, 遷出 "
                             "or 放棄.", word=row["outcome"]))
    try:
        on = rocdate.parse(row["date"]) if row.get("date") else date.today()
    except rocdate.InvalidDate as exc:
        raise ServiceError(_("The date %(value)s is not a date.", value=row["date"])) from exc
    proxy = {"name": row.get("proxy_name"), "id_number": row.get("proxy_id_number"),
             "relationship": row.get("proxy_relationship"),
             "seal_checked": (row.get("seal_checked") or "").strip().lower() in YES}
    return entry, outcome, on, proxy, row.get("note") or ""


def import_outcomes(round_, filename, data, actor, all_or_nothing=True, on_progress=None):
    """Record the outcomes of a typed-back sheet; returns (recorded, [(line, message)], more):
    the first IMPORT_MAX_ERRORS problems, and how many more there were.
    on_progress(rows done, rows in the file) is called every 500 rows."""
    rows, count = read_table(filename, data)
    recorded, problems, more = 0, [], 0
    limit = setting("IMPORT_MAX_ERRORS")
    for done, (line, row) in enumerate(rows, start=1):
        if on_progress is not None and done % 500 == 0:
            on_progress(done, max(count or 0, done))
        try:
            with db.session.begin_nested():
                parsed = _parse_row(round_, row)
                if parsed is None:
                    continue
                entry, outcome, on, proxy, note = parsed
                payouts.record_payout(entry, outcome, actor, on=on, proxy=proxy, note=note,
                                      source="upload")
                recorded += 1
        except ServiceError as exc:
            if len(problems) < limit:
                problems.append((line, str(exc)))
            else:
                more += 1
    if problems and all_or_nothing:
        errors = [(None, _("Row %(line)s: %(message)s", line=line, message=message))
                  for line, message in problems]
        if more:
            errors.append((None, _("%(n)s more rows have problems.", n=f"{more:,}")))
        raise ServiceError(*errors)
    audit.record("import_outcomes", actor=actor, entity=round_, summary=filename[:200],
                 after={"recorded": recorded, "problems": len(problems) + more})
    return recorded, problems, more


def outcome_template(round_, village_id=None):
    """A CSV of the roster with empty outcome columns, for typing back a signed sheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    goods = round_.pays_goods
    # A goods round's column says what is handed out and how many (米 2 包), not money.
    writer.writerow(("條碼", "姓名", "村里", "品項／數量", *TEMPLATE_COLUMNS[4:]) if goods
                    else TEMPLATE_COLUMNS)
    for entry in queries.entries_for_sheet(round_.id, village_id):
        writer.writerow([entry.token, entry.name, entry.village.name_zh,
                         round_.goods_text(entry.quantity) if goods else entry.amount, "", "",
                         "", "", "", "", ""])
    return buffer.getvalue().encode("utf-8-sig")


BANK_FIELDS = {
    "seq": lambda n, e: n, "name": lambda n, e: e.name, "id_number": lambda n, e: e.id_number,
    "branch": lambda n, e: (e.bank_account or "-").split("-", 1)[0],
    "account": lambda n, e: (e.bank_account or "-").split("-", 1)[1],
    "amount": lambda n, e: e.amount, "village": lambda n, e: e.village.name_zh,
    "code": lambda n, e: e.token, "birth_date": lambda n, e: rocdate.format_roc(
        e.birth_date, "compact"),
}
DEFAULT_BANK_COLUMNS = {
    "post_office": ["seq", "branch", "account", "id_number", "name", "amount"],
    "farmers_association": ["seq", "account", "name", "id_number", "amount"],
}


def bank_columns(bank, requested=None):
    """The column layout for a bank: the request, else the setting, else the default."""
    configured = current_app.config.get("ROUNDS_BANK_COLUMNS", {}).get(bank)
    columns = requested or configured or DEFAULT_BANK_COLUMNS[bank]
    unknown = [c for c in columns if c not in BANK_FIELDS]
    if unknown:
        raise ServiceError(("columns", _("Unknown columns: %(names)s. Use %(known)s.",
                                         names=", ".join(unknown),
                                         known=", ".join(BANK_FIELDS))))
    return columns


def bank_file(round_, bank, actor, columns=None):
    """The transfer file for one bank: everyone frozen with an account there, not held, on an
    approved list."""
    if round_.pays_goods:
        raise ServiceError(_("Goods are handed over at the counter only: a goods round has "
                             "no bank transfer files."))
    columns = bank_columns(bank, columns)
    entries = db.session.scalars(sa.select(RoundEntry).where(
        RoundEntry.round_id == round_.id, RoundEntry.bank == bank, RoundEntry.hold.is_(None),
        RoundEntry.batch.in_(queries.approved_batches(round_.id)))
        .order_by(RoundEntry.village_code, RoundEntry.id)).all()
    audit.record("export_bank", actor=actor, entity=round_, summary=f"{bank}: {len(entries)}")
    return bank_csv(entries, columns), len(entries)


def bank_csv(lines, columns):
    """A bank's transfer file: one row per line (anything with the attributes BANK_FIELDS
    reads: name, id_number, bank_account "branch-account", amount, village, token,
    birth_date), numbered from 1, in UTF-8 with a BOM as the banks' software expects."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(columns)
    for number, line in enumerate(lines, 1):
        writer.writerow([BANK_FIELDS[c](number, line) for c in columns])
    return buffer.getvalue().encode("utf-8-sig")


def log_print(round_, actor, village_code, full_ids, rows=None):
    """Printing sheets is logged as an export; with full ID numbers also like revealing one
    on screen."""
    from welfare import exports

    if full_ids:
        audit.record("print_full_ids", actor=actor, entity=round_,
                     summary=f"{round_.name} {village_code or 'all'}")
    exports.log_export("round_sheets", rows, "pdf", actor, full_id=bool(full_ids),
                       filters={"round": round_.id, "village": village_code})


def print_job(job_id, round_id, actor_id, options):
    """Background print of every village sheet into one ZIP (welfare.jobs)."""
    from welfare.jobs import progress
    from welfare.jobs.services import inline, result_dir

    round_ = db.session.get(Round, round_id)
    actor = db.session.get(User, actor_id)
    log_print(round_, actor, options.get("village"), options.get("full_ids"))
    found = sheets.village_sheets(round_, options.get("village"), options.get("neighbourhoods"),
                                  options.get("batch", 0), options.get("full_ids"),
                                  options.get("rows"))
    # End the read transaction: on SQLite an open one would block the progress writes.
    # (Inline, in tests, the job runs inside the caller's transaction and must not end it.)
    if not inline():
        db.session.commit()
    progress(job_id, 0, len(found))
    files = sheets.render_many(found, on_done=lambda done, total: progress(job_id, done, total))
    name = f"round-{round_id}-job-{job_id}.zip"
    (result_dir() / name).write_bytes(sheets.zip_files(files))
    return {"path": name, "name": f"{round_.year}-{round_.festival}-sheets.zip",
            "message": _("%(n)s sheets ready: download the ZIP file and print them.",
                           n=len(files))}
