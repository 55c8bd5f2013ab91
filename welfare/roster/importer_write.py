"""Roster import, second half: compare judged rows with the register and write them in bulk,
with one audit row per created or changed person and duplicate flags for new people."""

import json
from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.dialects import postgresql

from welfare.auth import audit
from welfare.auth.models import AuditLog, utcnow
from welfare.extensions import db
from welfare.roster.models import DuplicateFlag, Person
from welfare.roster.rules import names_similar
from welfare.roster.services import PERSON_FIELDS

COMPARED = ("name", "sex", "birth_date", "indigenous", "phone", "mobile", "village_id",
            "neighbourhood", "address", "registered_on")
CHUNK = 2000
SAMPLE = 50
# Addresses shared by more people than this (care homes, dormitories) are not searched
# for similar names: every pair would be flagged.
MAX_ADDRESS_GROUP = 40


@dataclass
class Plan:
    creates: list = field(default_factory=list)  # (row, data)
    # (person id, name, before, after, changes, current row)
    updates: list = field(default_factory=list)


def _chunks(items, size=CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _existing(id_numbers):
    columns = [Person.id, Person.id_number, *(getattr(Person, k) for k in COMPARED)]
    if _is_postgres():
        # One array parameter: a long IN list costs more to build and parse than to run.
        chunks = [id_numbers]
        match = lambda chunk: Person.id_number == sa.any_(  # noqa: E731
            sa.bindparam("ids", chunk, type_=postgresql.ARRAY(sa.String)))
    else:
        chunks = _chunks(id_numbers)
        match = Person.id_number.in_
    found = {}
    for chunk in chunks:
        for row in db.session.execute(sa.select(*columns).where(match(chunk))):
            found[row.id_number] = row._asdict()
    return found


def plan(valid, result, allowed_villages=()):
    """Split valid rows into people to create and people whose record changes."""
    existing = _existing([data["id_number"] for _, data in valid])
    result_plan = Plan()
    for row, data in valid:
        derived = data.pop("derived_sex", None)
        current = existing.get(data["id_number"])
        if current is None:
            data.setdefault("sex", derived)
            result_plan.creates.append((row, data))
            action = "create"
        elif allowed_villages and current["village_id"] not in allowed_villages:
            result.error(row, "id_number", _("This person is registered in a village you "
                                             "do not look after."))
            continue
        else:
            keys = [k for k in COMPARED if k in data and data[k] != current[k]]
            if keys:
                result_plan.updates.append((
                    current["id"], data["name"],
                    {k: audit._plain(current[k]) for k in keys},
                    {k: audit._plain(data[k]) for k in keys},
                    {k: data[k] for k in keys},
                    current,
                ))
                if len(result.update_sample) < SAMPLE:
                    result.update_sample.append({"row": row, "name": data["name"],
                                                 "before": {k: current[k] for k in keys},
                                                 "after": {k: data[k] for k in keys}})
                action = "update"
            else:
                result.unchanged += 1
                action = "unchanged"
        result.valid += 1
        if len(result.valid_sample) < SAMPLE:
            result.valid_sample.append({"row": row, "action": action, **data})
    result.created = len(result_plan.creates)
    result.updated = len(result_plan.updates)
    return result_plan


def _audit_row(action, user_id, ip, now, entity_id, summary, before=None, after=None,
               village_id=None):
    return audit.row_values(action, user_id, "people", entity_id, summary, before, after,
                            at=now, ip=ip, village_id=village_id)


def write(plan_, result, actor):
    """Create and update people in bulk inside the caller's transaction."""
    now = utcnow()
    user_id = getattr(actor, "id", None)
    ip = audit.request_ip()
    rows = [_person_row(data, now) for _, data in plan_.creates]
    new_ids = _insert_people(rows)
    audits = [_audit_row("create", user_id, ip, now, pid, row["name"],
                         after={k: audit._plain(row[k]) for k in PERSON_FIELDS},
                         village_id=row.get("village_id"))
              for pid, row in zip(new_ids, rows, strict=True)]
    _update_people(plan_.updates, now)
    audits += [_audit_row("update", user_id, ip, now, pid, name, before=before, after=after,
                          village_id=(after or {}).get("village_id", current["village_id"]))
               for pid, name, before, after, _changes, current in plan_.updates]
    _insert_audit(audits)
    _flag_duplicates(new_ids)
    audit.record(
        "import", actor=actor, entity_type="people",
        summary=_("%(file)s: %(rows)s rows, %(created)s added, %(updated)s changed, "
                  "%(rejected)s rejected", file=result.filename, rows=result.rows,
                  created=result.created, updated=result.updated,
                  rejected=result.rows - result.valid),
        after={"file": result.filename, "rows": result.rows, "valid": result.valid,
               "created": result.created, "updated": result.updated,
               "unchanged": result.unchanged, "rejected": result.rows - result.valid},
    )
    db.session.flush()


def _person_row(data, now):
    return {
        "id_number": data["id_number"], "name": data["name"], "sex": data["sex"],
        "birth_date": data["birth_date"], "indigenous": data.get("indigenous", False),
        "phone": data.get("phone", ""), "mobile": data.get("mobile", ""),
        "village_id": data["village_id"], "neighbourhood": data.get("neighbourhood"),
        "address": data.get("address", ""), "registered_on": data.get("registered_on"),
        "status": "registered", "status_date": None, "notes": "",
        "created_at": now, "updated_at": now,
    }


def _flag_duplicates(new_ids):
    """Flag new people who share a name and birth date with someone, or have a similar name
    at the same address: the same rules as services.flag_duplicates, in a few queries."""
    if not new_ids:
        return
    new = set(new_ids)
    other = sa.orm.aliased(Person)
    pairs = {}
    same = (
        sa.select(Person.id, other.id)
        .join(other, sa.and_(other.name == Person.name, other.birth_date == Person.birth_date,
                             other.id != Person.id))
        .where(Person.id >= min(new), other.merged_into_id.is_(None))
    )
    for a, b in db.session.execute(same):
        if a in new:
            pairs.setdefault(tuple(sorted((a, b))), "name_birth")
    newer = sa.orm.aliased(Person)
    at_new_addresses = sa.select(Person.id, Person.name, Person.village_id, Person.address).where(
        Person.merged_into_id.is_(None), Person.address != "",
        sa.exists().where(newer.id >= min(new), newer.village_id == Person.village_id,
                          newer.address == Person.address),
    )
    groups = defaultdict(list)
    for r in db.session.execute(at_new_addresses):
        groups[(r.village_id, r.address)].append((r.id, r.name))
    for people in groups.values():
        if len(people) > MAX_ADDRESS_GROUP:
            continue
        for i, (a, a_name) in enumerate(people):
            for b, b_name in people[i + 1:]:
                if (a in new or b in new) and a_name != b_name and names_similar(a_name, b_name):
                    pairs.setdefault(tuple(sorted((a, b))), "similar_name_address")
    if pairs:
        db.session.execute(sa.insert(DuplicateFlag), [
            {"person_a_id": a, "person_b_id": b, "reason": reason, "status": "open",
             "created_at": utcnow()} for (a, b), reason in pairs.items()
        ])


# Bulk writing. PostgreSQL gets COPY (100,000 rows in seconds); other databases get
# executemany through SQLAlchemy, which is fine for the small files used in development.

def _is_postgres():
    return db.session.get_bind().dialect.name == "postgresql"


def _copy(table, columns, rows):
    cursor = db.session.connection().connection.driver_connection.cursor()
    with cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _insert_people(rows):
    """Insert people and return their new ids, in the order given."""
    if not rows:
        return []
    if _is_postgres():
        ids = db.session.scalars(sa.text(
            "SELECT nextval(pg_get_serial_sequence('people', 'id')) FROM generate_series(1, :n)"
        ), {"n": len(rows)}).all()
        columns = ["id", *rows[0]]
        _copy("people", columns, ([pid, *row.values()] for pid, row in zip(ids, rows,
                                                                          strict=True)))
        if len(rows) >= 10_000:  # fresh statistics keep the duplicate search on good plans
            db.session.execute(sa.text("ANALYZE people"))
        return ids
    ids = []
    for chunk in _chunks(rows):
        ids += db.session.execute(
            sa.insert(Person).returning(Person.id, sort_by_parameter_order=True), chunk
        ).scalars().all()
    return ids


def _insert_audit(rows):
    if not rows:
        return
    if _is_postgres():
        columns = list(rows[0])
        _copy("audit_log", columns, (
            [json.dumps(v, ensure_ascii=False) if k in ("before", "after") and v is not None
             else v for k, v in row.items()] for row in rows))
        return
    for chunk in _chunks(rows):
        db.session.execute(sa.insert(AuditLog), chunk)


def _update_people(updates, now):
    if not updates:
        return
    if _is_postgres():
        columns = ["id", *COMPARED]
        db.session.execute(sa.text(
            "CREATE TEMP TABLE import_changes ON COMMIT DROP AS "
            f"SELECT {', '.join(columns)} FROM people WITH NO DATA"))
        _copy("import_changes", columns, (
            [pid, *({**current, **changes}[k] for k in COMPARED)]
            for pid, _name, _before, _after, changes, current in updates))
        assignments = ", ".join(f"{k} = c.{k}" for k in COMPARED)
        db.session.execute(sa.text(
            f"UPDATE people SET {assignments}, updated_at = :now FROM import_changes c "
            "WHERE people.id = c.id"), {"now": now})
        db.session.execute(sa.text("DROP TABLE import_changes"))
        return
    by_keys = defaultdict(list)
    for pid, _name, _before, _after, changes, _current in updates:
        by_keys[tuple(sorted(changes))].append({"id": pid, "updated_at": now, **changes})
    for params in by_keys.values():
        db.session.execute(sa.update(Person), params)
