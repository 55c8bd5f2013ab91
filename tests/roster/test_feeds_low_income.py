"""The low-income kind (低收入戶/中低收入戶 核定名冊): a tricky-row corpus judged row by row in
every file form, idempotent re-import, dry runs, ending what a full list no longer names, and
the no-overlap rule as a PostgreSQL constraint (also under two simultaneous imports)."""

import json
import random
import threading
import traceback
from datetime import date

import pytest
import sqlalchemy as sa

from tests.data.feed_files import (
    FORMS,
    FULL_WIDTH,
    bad_checksum,
    judged,
    spreadsheet_cell,
    write_feed,
)
from welfare.auth.models import AuditLog
from welfare.core import idno
from welfare.geo.models import Village
from welfare.roster.feeds import import_file, recognise
from welfare.roster.models import (
    Household,
    HouseholdMember,
    LowIncomeCategory,
    LowIncomeStatus,
    Person,
)

HEADERS = ["身分證字號", "類別", "款別", "核定起日", "核定迄日", "戶號", "備註"]
Y25 = (date(2025, 1, 1), date(2025, 12, 31))


@pytest.fixture(autouse=True)
def english(app):
    with app.test_request_context("/?lang=en"):
        yield


def category(db, code):
    return db.session.scalar(sa.select(LowIncomeCategory.id).where(
        LowIncomeCategory.code == code))


def statuses(db, household):
    return [(s.kind, s.category_id, s.certified_from, s.certified_until)
            for s in db.session.scalars(sa.select(LowIncomeStatus).where(
                LowIncomeStatus.household_id == household.id)
                .order_by(LowIncomeStatus.certified_from))]


@pytest.fixture
def register(db, make_person, village):
    """Households H1..H9 with their people; some with statuses on file."""
    people, homes = {}, {}

    def home(number, *names):
        household = Household(household_no=number, village_id=village.id, address="林園北路1號")
        db.session.add(household)
        db.session.flush()
        for name in names:
            people[name] = make_person(name=name)
            db.session.add(HouseholdMember(household_id=household.id,
                                           person_id=people[name].id))
        household.head_id = people[names[0]].id
        homes[number] = household
        return household

    home("E0000001", "a", "a2", "h2")
    home("E0000002", "b")
    h3 = home("E0000003", "c")
    h4 = home("E0000004", "d")
    h5 = home("E0000005", "e")
    home("E0000006", "h")
    for n, name in enumerate(("f", "i", "j", "g", "g2", "g3", "g4", "g5", "g6", "dead")):
        home(f"S00001{n:02d}", name)
    people["dead"].status = "deceased"
    people["nohh"] = make_person(name="nohh")
    l1 = category(db, "L1")
    db.session.add_all([
        LowIncomeStatus(household_id=h3.id, kind="low", category_id=l1,
                        certified_from=Y25[0], certified_until=Y25[1]),
        LowIncomeStatus(household_id=h4.id, kind="mid_low", certified_from=Y25[0],
                        certified_until=Y25[1]),
        LowIncomeStatus(household_id=h5.id, kind="low", certified_from=date(2024, 1, 1),
                        certified_until=date(2024, 12, 31)),
        LowIncomeStatus(household_id=h5.id, kind="low", certified_from=Y25[0],
                        certified_until=Y25[1]),
    ])
    db.session.flush()
    return people, homes


def corpus(register):
    people, homes = register
    p = {k: v.id_number for k, v in people.items()}
    stranger = idno.generate(sex="F")
    return [
        ([p["a"], "低收入戶", "第一款", "114/01/01", "114/12/31", "E0000001", "新核定"],
         ("create", "E0000001")),
        ([p["a2"].lower(), "低收入戶", "第1款", "1140101", "1141231", "", ""],
         ("unchanged", "E0000001")),  # another member of a household already listed
        ([p["b"].translate(FULL_WIDTH), "中低收入戶", "", "2025-01-01", "2025-12-31", "", ""],
         ("create", "E0000002")),
        ([p["c"], "低收", "第二款", "民國114年1月1日", "114.12.31", "e0000003", ""],
         ("update", "E0000003")),
        ([p["f"], "低收入戶", "", "114/01/01", "114/06/30", "", ""], ("create", "S0000100")),
        ([p["f"], "低收入戶", "", "114/07/01", "114/12/31", "", ""], ("error", "id_number")),
        ([bad_checksum(p["g"]), "低收入戶", "", "114/01/01", "114/12/31", "", ""],
         ("error", "id_number")),
        (["A12345", "低收入戶", "", "114/01/01", "114/12/31", "", ""], ("error", "id_number")),
        ([p["g"], "清寒戶", "", "114/01/01", "114/12/31", "", ""], ("error", "kind")),
        ([p["g2"], "中低收入戶", "第一款", "114/01/01", "114/12/31", "", ""],
         ("error", "grade")),
        ([p["g3"], "低收入戶", "第九款", "114/01/01", "114/12/31", "", ""], ("error", "grade")),
        ([p["g4"], "低收入戶", "", "114/02/30", "114/12/31", "", ""],
         ("error", "certified_from")),
        ([p["g5"], "低收入戶", "", "114/12/31", "114/01/01", "", ""],
         ("error", "certified_until")),
        ([p["g6"], "低收入戶", "", "", "114/12/31", "", ""], ("error", "certified_from")),
        ([p["nohh"], "低收入戶", "", "114/01/01", "114/12/31", "", ""], ("error", "id_number")),
        ([stranger, "低收入戶", "", "114/01/01", "114/12/31", "", ""], ("error", "id_number")),
        ([p["dead"], "低收入戶", "", "114/01/01", "114/12/31", "", ""], ("error", "id_number")),
        ([p["h"], "低收入戶", "", "114/01/01", "114/12/31", "E9999999", ""],
         ("error", "household_no")),
        ([p["e"], "低收入戶", "", "113/06/01", "114/05/31", "", ""],
         ("error", "certified_from")),  # overlaps both of the household's periods
        ([p["h2"], "低收入戶", "第一款", "114/07/01", "115/06/30", "", ""],
         ("error", "certified_from")),  # overlaps row 1's period for the same household
        ([p["i"], "低收入戶", "", "0990101", "991231", "", ""], ("create", "S0000101")),
        ([p["j"], "Low-Income", "3", "2025/01/01", "2025/12/31", "", ""],
         ("create", "S0000102")),
    ]


def expected(db):
    l1, l2, l3 = (category(db, c) for c in ("L1", "L2", "L3"))
    return {
        "E0000001": [("low", l1, *Y25)],
        "E0000002": [("mid_low", None, *Y25)],
        "E0000003": [("low", l2, *Y25)],
        "S0000100": [("low", None, date(2025, 1, 1), date(2025, 6, 30))],
        "S0000101": [("low", None, date(2010, 1, 1), date(2010, 12, 31))],
        "S0000102": [("low", l3, *Y25)],
    }


@pytest.mark.parametrize("form", FORMS)
def test_corpus_judged_row_by_row(db, register, tmp_path, staff_user, form):
    cases = corpus(register)
    path, first = write_feed(tmp_path / "low", form, HEADERS, [c for c, _ in cases],
                             cell=spreadsheet_cell)
    result = import_file(path, actor=staff_user)
    assert result.kind == "low-income" and result.file_error is None
    errors, rows = judged(result, first, cases)
    for row, (cells, (action, what)) in zip(rows, cases, strict=True):
        if action == "error":
            assert errors.get(row) == {what}, (row, cells, result.errors)
        else:
            assert row not in errors, (row, cells, result.errors)
    homes = register[1]
    for number, periods in expected(db).items():
        assert statuses(db, homes[number]) == periods, number
    assert (result.rows, result.valid, result.created, result.updated, result.unchanged) == (
        len(cases), 7, 5, 1, 1)
    assert all("Row" not in e["message"] for e in result.errors)


def test_messages_are_in_chinese_and_name_row_and_field(app, db, register, tmp_path,
                                                         staff_user):
    cases = corpus(register)
    path, first = write_feed(tmp_path / "low", "utf8", HEADERS, [c for c, _ in cases])
    with app.test_request_context("/?lang=zh_TW"):
        result = import_file(path, actor=staff_user, dry_run=True)
    by_row = {e["row"]: e for e in result.errors}
    assert by_row[first + 8]["field"] == "kind" and "低收入戶" in by_row[first + 8]["message"]
    assert result.headers["kind"] == "類別"
    assert any("核定迄日" in e["message"] or "迄" in e["message"] or "結束" in e["message"]
               for e in result.errors if e["field"] == "certified_until")
    assert all(not e["message"].isascii() for e in result.errors), result.errors


def test_reimport_changes_nothing_and_dry_run_writes_nothing(db, register, tmp_path,
                                                              staff_user):
    path, _ = write_feed(tmp_path / "low", "bom", HEADERS, [c for c, _ in corpus(register)])

    def state():
        return (sorted((s.household_id, s.kind, s.category_id, s.certified_from,
                        s.certified_until) for s in db.session.scalars(
                            sa.select(LowIncomeStatus))),
                db.session.scalar(sa.select(sa.func.count(AuditLog.id))))

    before = state()
    dry = import_file(path, dry_run=True, actor=staff_user)
    assert (dry.created, dry.updated) == (5, 1)
    assert state() == before
    first = import_file(path, actor=staff_user)
    assert (first.created, first.updated) == (5, 1)
    after_first = state()
    again = import_file(path, actor=staff_user)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 7)
    statuses_now, audits_now = state()
    assert statuses_now == after_first[0]
    assert audits_now == after_first[1] + 1  # only the import's own record


def test_end_missing_ends_only_when_asked_and_never_with_rejected_rows(db, register, tmp_path,
                                                                        staff_user):
    people, homes = register
    rows = [[people["a"].id_number, "低收入戶", "第一款", "114/01/01", "114/12/31", "", ""],
            [people["b"].id_number, "中低收入戶", "", "114/01/01", "114/12/31", "", ""]]
    path, _ = write_feed(tmp_path / "full", "utf8", HEADERS, rows)
    cut = date(2025, 10, 31)
    plain = import_file(path, actor=staff_user)
    assert plain.ended is None and "ended" not in plain.to_dict()
    assert statuses(db, homes["E0000004"])[0][3] == Y25[1]  # never silently ended
    dry = import_file(path, actor=staff_user, end_missing=cut, dry_run=True)
    assert dry.ended == 3 and statuses(db, homes["E0000004"])[0][3] == Y25[1]
    done = import_file(path, actor=staff_user, end_missing=cut)
    assert done.to_dict()["ended"] == 3 and done.updated == 3
    assert statuses(db, homes["E0000004"]) == [("mid_low", None, Y25[0], cut)]
    assert statuses(db, homes["E0000003"])[0][3] == cut
    assert [s[3] for s in statuses(db, homes["E0000005"])] == [date(2024, 12, 31), cut]
    assert statuses(db, homes["E0000001"])[0][3] == Y25[1]  # listed: kept
    again = import_file(path, actor=staff_user, end_missing=cut)
    assert (again.ended, again.updated) == (0, 0)
    audit = db.session.scalar(sa.select(AuditLog).where(
        AuditLog.entity_type == "low_income_statuses", AuditLog.action == "update",
        AuditLog.summary.like("Ended%")))
    assert audit.after == {"certified_until": "2025-10-31"}
    # A list with a rejected row ends nothing (its household would look missing).
    bad = write_feed(tmp_path / "bad", "utf8", HEADERS,
                     rows + [["A12345", "低收入戶", "", "114/01/01", "114/12/31", "", ""]])[0]
    refused = import_file(bad, actor=staff_user, end_missing=date(2025, 11, 30))
    assert refused.ended == 0 and {"row": 1, "field": "end_missing"} == {
        k: refused.errors[0][k] for k in ("row", "field")}


def test_a_clerk_only_touches_their_villages(db, register, tmp_path, make_user, villages):
    people = register[0]
    clerk = make_user("staff", villages=[villages[1]])
    path, _ = write_feed(tmp_path / "low", "utf8", HEADERS, [
        [people["a"].id_number, "低收入戶", "", "114/01/01", "114/12/31", "", ""]])
    result = import_file(path, actor=clerk, end_missing=date(2025, 10, 31))
    assert result.valid == 0 and {e["field"] for e in result.errors} == {
        "id_number", "end_missing"}
    assert statuses(db, register[1]["E0000004"])[0][3] == Y25[1]


def test_recognised_and_cli(app, db, register, tmp_path):
    assert recognise(HEADERS) == "low-income"
    assert recognise(["ID number", "kind", "certified_from", "certified_until"]) == "low-income"
    people = register[0]
    path, _ = write_feed(tmp_path / "low", "big5", HEADERS, [
        [people["a"].id_number, "低收入戶", "第一款", "114/01/01", "114/12/31", "", ""],
        ["A12345", "低收入戶", "", "114/01/01", "114/12/31", "", ""]])
    runner = app.test_cli_runner()
    out = runner.invoke(args=["roster", "import", str(path), "--dry-run", "--json"])
    assert out.exit_code == 0, out.output
    assert {k: v for k, v in json.loads(out.output).items() if k != "errors"} == {
        "rows": 2, "valid": 1, "created": 1, "updated": 0}
    out = runner.invoke(args=["roster", "import", str(path), "--kind", "low-income",
                              "--end-missing", "114/10/31", "--json"])
    result = json.loads(out.output)
    assert result["created"] == 1 and result["ended"] == 0
    assert [e["field"] for e in result["errors"]] == ["end_missing", "id_number"]
    wrong = runner.invoke(args=["roster", "import", str(path), "--kind", "elders",
                                "--end-missing", "114/10/31", "--json"])
    assert wrong.exit_code == 1
    bad_date = runner.invoke(args=["roster", "import", str(path), "--end-missing", "soon"])
    assert bad_date.exit_code == 2


@pytest.mark.postgres
def test_overlapping_periods_are_refused_by_the_database(db, register, is_postgres):
    if not is_postgres:
        pytest.skip("an exclusion constraint needs PostgreSQL")
    homes = register[1]
    db.session.add(LowIncomeStatus(household_id=homes["E0000003"].id, kind="low",
                                   certified_from=date(2025, 6, 1),
                                   certified_until=date(2026, 5, 31)))
    with pytest.raises(sa.exc.IntegrityError, match="low_income_statuses_no_overlap"):
        db.session.flush()


@pytest.mark.postgres
def test_simultaneous_imports_create_each_period_once(app, committed_db, tmp_path):
    db = committed_db
    village = db.session.scalar(sa.select(Village).order_by(Village.code))
    rng, rows = random.Random(5), []
    for n in range(60):
        household = Household(household_no=f"R{n:07d}", village_id=village.id)
        person = Person(id_number=idno.generate(sex="F", rng=rng), name=f"race{n}", sex="F",
                        birth_date=date(1950, 1, 1), village_id=village.id)
        db.session.add_all([household, person])
        db.session.flush()
        db.session.add(HouseholdMember(household_id=household.id, person_id=person.id))
        rows.append([person.id_number, "低收入戶", "", "114/01/01", "114/12/31", "", ""])
    db.session.commit()
    path, _ = write_feed(tmp_path / "race", "utf8", HEADERS, rows)
    # Two clerks, two slightly different lists: the same households, overlapping periods.
    other = [r[:3] + ["114/03/01", "115/02/28"] + r[5:] for r in rows]
    path2, _ = write_feed(tmp_path / "race2", "utf8", HEADERS, other)
    barrier = threading.Barrier(2)
    results, failures = [], []

    def run(file):
        with app.app_context(), app.test_request_context("/?lang=en"):
            barrier.wait()
            try:
                results.append(import_file(file))
            except Exception:  # noqa: BLE001 (recorded and asserted below)
                failures.append(traceback.format_exc())
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(f,)) for f in (path, path2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures
    counts = db.session.execute(sa.select(LowIncomeStatus.household_id, sa.func.count())
                                .group_by(LowIncomeStatus.household_id)).all()
    assert len(counts) == 60 and {c for _h, c in counts} == {1}
    first, second = sorted(results, key=lambda r: -r.created)
    assert (first.created, first.file_error) == (60, None)
    # The other saw the first's periods (and updated them) or was refused whole by the
    # exclusion constraint; never a second, overlapping period.
    assert second.created == 0 and (second.updated == 60 or (
        second.file_error and second.errors == [{"row": 1, "field": None,
                                                 "message": second.file_error}]))


def test_web_upload_previews_end_missing_then_confirms(client, db, register, staff_user):
    import io

    people, homes = register
    page = client.get("/people/import?lang=en").text
    assert 'value="low-income"' in page and 'name="end_missing"' in page
    body = ",".join(HEADERS) + "\r\n" + ",".join(
        [people["a"].id_number, "低收入戶", "第一款", "114/01/01", "114/12/31", "", ""]) + "\r\n"
    bad = client.post("/people/import", data={
        "kind": "elders", "end_missing": "114/10/31",
        "file": (io.BytesIO(body.encode("cp950")), "low.csv")},
        content_type="multipart/form-data")
    assert bad.status_code == 400 and 'href="#end_missing"' in bad.text
    response = client.post("/people/import", data={
        "kind": "", "end_missing": "114/10/31",
        "file": (io.BytesIO(body.encode("cp950")), "low.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.text
    preview = client.get(response.headers["Location"]).text
    assert "Low-income certification list" in preview
    assert "2 statuses of its kinds that it does not name end on" in preview  # H3, H5
    assert statuses(db, homes["E0000003"])[0][3] == Y25[1]  # the preview writes nothing
    token = response.headers["Location"].rstrip("/").split("/")[-1]
    assert client.post(f"/people/import/{token}/confirm").status_code == 302
    assert statuses(db, homes["E0000001"]) == [("low", category(db, "L1"), *Y25)]
    assert statuses(db, homes["E0000003"])[0][3] == date(2025, 10, 31)
    result = client.get("/people/import/result?lang=en").text
    assert "Statuses missing from the list and ended" in result
