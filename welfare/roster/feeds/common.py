"""What every registry feed shares: judging a table row by row (with the people import's ID
number and date parsing, see importer.judge_id_number and importer.parse_date), finding the
people a file names (a merged record stands for the one it went into), and the import's
outline (read, judge, plan, write in one transaction unless a dry run)."""

from datetime import date
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql

from welfare.extensions import db
from welfare.roster import importer_write
from welfare.roster.importer import ImportResult, map_headers
from welfare.roster.importer_read import ImportFileError, is_blank, open_table
from welfare.roster.models import Person
from welfare.uploads import setting

LOADED = ("id", "id_number", "name", "birth_date", "status", "status_date", "registered_on",
          "merged_into_id", "village_id", "neighbourhood", "address")
SAMPLE = 50


def judge_table(table, result, module, on_progress=None, today=None, **context):
    """Valid rows as (row number, data); rejected rows go into result.errors. The module
    gives COLUMNS, REQUIRED, HEADER_KEYS, EXAMPLE (headings named when some are missing) and
    judge_row(cells, today, **context) -> (data, [(key, message)]). A person (ID number) may
    appear once in a file: later rows naming them again are rejected."""
    index, result.headers = map_headers(table.headers, module.HEADER_KEYS)
    missing = [module.COLUMNS[k][0] for k in module.REQUIRED if k not in index]
    if missing:
        raise ImportFileError(
            _("The file has no column for: %(columns)s. The first row must name the columns, "
              "e.g. %(example)s.", columns="、".join(missing), example=module.EXAMPLE))
    seen, valid, today = {}, [], today or date.today()
    for count, (number, cells) in enumerate(table.rows, start=1):
        if on_progress is not None and count % 2000 == 0:
            on_progress(count, max(table.row_count or 0, count))
        if is_blank(cells):
            continue
        result.rows += 1
        raw = {k: (cells[i] if i < len(cells) else None) for k, i in index.items()}
        data, errors = module.judge_row(raw, today, **context)
        number_id = data.get("id_number")
        if number_id in seen:
            errors.append(("id_number", _("This person already appears in row %(row)s; a file "
                                          "may name each person only once, so this row is "
                                          "not imported.", row=seen[number_id])))
        elif number_id:
            seen[number_id] = number
        for key, message in errors:
            result.error(number, key, message)
        if not errors:
            valid.append((number, data))
    if not result.rows:
        raise ImportFileError(_("The file has column headings but no rows to import."))
    return valid


def load_people(column, values):
    """Live and merged people by id_number or id, as dicts of LOADED columns."""
    columns = [getattr(Person, k) for k in LOADED]
    found = {}
    if not values:
        return found
    if importer_write._is_postgres():
        chunks = [values]
        array = postgresql.ARRAY(sa.String if column == "id_number" else sa.Integer)
        match = lambda chunk: getattr(Person, column) == sa.any_(  # noqa: E731
            sa.bindparam("values", chunk, type_=array))
    else:
        chunks = importer_write._chunks(values)
        match = getattr(Person, column).in_
    for chunk in chunks:
        for row in db.session.execute(sa.select(*columns).where(match(chunk))):
            found[getattr(row, column)] = row._asdict()
    return found


def resolve_people(id_numbers):
    """{id_number: the live person it names}: a merged record stands for the one it went into."""
    found = load_people("id_number", id_numbers)
    for _hop in range(5):
        targets = {p["merged_into_id"] for p in found.values() if p["merged_into_id"]}
        if not targets:
            break
        by_id = load_people("id", sorted(targets))
        found = {k: (by_id.get(p["merged_into_id"], p) if p["merged_into_id"] else p)
                 for k, p in found.items()}
    return found


def person_problem(current, allowed_villages, living=True):
    """Why a row's person cannot be touched by this import (key, message), or None."""
    if current is None:
        return "id_number", _("This ID number is not on the register.")
    if allowed_villages and current["village_id"] not in allowed_villages:
        return "id_number", _("This person is registered in a village you do not look after.")
    if living and current["status"] == "deceased":
        return "id_number", _("This person is recorded as deceased; check the ID number.")
    if living and current["status"] == "moved_out":
        return "id_number", _("This person has moved out of the district; check the ID "
                              "number.")
    return None


def run(module, path, dry_run=False, actor=None, filename=None, commit=True, on_progress=None,
        **options):
    """The outline of a feed's import: read the file, judge its rows (module.judge_table or
    the shared one), plan against the register (module.plan(valid, result, actor, **options))
    and, unless a dry run, write (module.write(planned, result, actor)) in one transaction."""
    path = Path(path)
    result = ImportResult(filename=filename or path.name, dry_run=dry_run,
                          max_errors=setting("IMPORT_MAX_ERRORS"))
    try:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ImportFileError(_("The file could not be read: %(reason)s",
                                    reason=exc.strerror)) from exc
        table = open_table(data, result.filename, set(module.HEADER_KEYS))
        valid = judge_table(table, result, module, on_progress, **module.context())
    except ImportFileError as exc:
        result.file_error = str(exc)
        result.errors, result.errors_more, result.rows = [], 0, 0
        result.error(1, None, result.file_error)
        return result
    planned = module.plan(valid, result, actor, **options)
    if not dry_run:
        try:
            module.write(planned, result, actor)
            if commit:
                db.session.commit()
        except sa.exc.IntegrityError:
            if not commit:  # the caller owns the transaction and undoes it
                raise
            db.session.rollback()
            # Another import or a clerk changed the same records meanwhile; the constraints
            # (one period at a time, one household and one head per person) refused it.
            result.file_error = _("Some of these records were changed by someone else while "
                                  "the file was being saved, so nothing was saved. Import "
                                  "the file again.")
            result.created = result.updated = 0
            result.error(1, None, result.file_error)
        except Exception:
            if commit:
                db.session.rollback()
            raise
    result.errors.sort(key=lambda e: e["row"])
    return result
