"""Two imports of the same new people at once (two clerks, one file): nobody twice."""

import threading

import pytest
import sqlalchemy as sa

from tests.data.roster_files import person_rows, write_csv
from welfare.auth.models import AuditLog
from welfare.roster.importer import import_file
from welfare.roster.models import Person


@pytest.mark.postgres
def test_simultaneous_imports_register_each_person_once(app, committed_db, tmp_path):
    db = committed_db
    rows = person_rows(400, seed=99)
    path = write_csv(tmp_path / "same.csv", rows)
    barrier = threading.Barrier(3)
    results, failures = [], []

    def run():
        with app.app_context():
            barrier.wait()
            try:
                results.append(import_file(path))
            except Exception as exc:  # noqa: BLE001 (recorded and asserted below)
                failures.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    ids = [r[0] for r in rows]
    assert db.session.scalar(sa.select(sa.func.count(Person.id))
                             .where(Person.id_number.in_(ids))) == 400
    created = db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(
        AuditLog.action == "create", AuditLog.entity_type == "people"))
    assert created == 400
    assert sum(r.created for r in results) == 400
    losers = [r for r in results if r.file_error]
    for r in results:  # winner, a later run that finds everyone on file, or a clean refusal
        assert (r.created == 400 or (r.created == 0 and r.unchanged == 400)
                or (r.file_error and r.errors == [{"row": 1, "field": None,
                                                   "message": r.file_error}]))
    imports = db.session.scalar(sa.select(sa.func.count(AuditLog.id))
                                .where(AuditLog.action == "import"))
    assert imports == 3 - len(losers)
