"""The changes kind (戶政異動): a tricky-row corpus judged row by row in every file form,
idempotent re-import, dry runs, the signal to other domains, and the kind recognised."""

import json
import random
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import Workbook

from welfare.auth.models import AuditLog
from welfare.core import idno
from welfare.roster.feeds import KINDS, import_file, recognise, signals
from welfare.roster.models import Person

HEADERS = ["身分證字號", "異動類別", "異動日期", "新地址", "里", "鄰", "姓名", "出生日期", "備註"]
FULL_WIDTH = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
                           "ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ０１２３４５６７８９")


@pytest.fixture(autouse=True)
def english(app):
    with app.test_request_context("/?lang=en"):
        yield


def count(db, model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def bad_checksum(number):
    return number[:-1] + str((int(number[-1]) + 1) % 10)


@pytest.fixture
def register(db, make_person, villages):
    """People on file: registered ones, one deceased, one moved out, one born in 2020."""
    rng = random.Random(7)
    ids = iter(idno.generate(sex=rng.choice("MF"), rng=rng) for _ in range(200))
    people = {name: make_person(id_number=next(ids), sex="M", name=name)
              for name in ("dies", "leaves", "widthy", "english", "roc_words", "twice",
                           "no_address", "bad_village", "short_roc", "child",
                              "e1", "e2", "e3", "e4", "e5", "e6")}
    people["child"].birth_date = date(2020, 3, 1)
    people["dead"] = make_person(id_number=next(ids), name="dead", status="deceased",
                                 status_date=date(2024, 1, 5))
    people["gone"] = make_person(id_number=next(ids), name="gone", status="moved_out",
                                 status_date=date(2023, 6, 1))
    people["same"] = make_person(id_number=next(ids), name="same", status="deceased",
                                 status_date=date(2025, 10, 15))
    people["dead_addr"] = make_person(id_number=next(ids), name="dead_addr",
                                      status="deceased", status_date=date(2024, 2, 2))
    db.session.flush()
    newcomer = next(ids)
    stranger = next(ids)
    return people, newcomer, stranger, villages


def corpus(register):
    """(cells in HEADERS order, what must happen to the row)."""
    people, newcomer, stranger, villages = register
    p = {k: v.id_number for k, v in people.items()}
    future = date.today() + timedelta(days=30)
    future_roc = f"{future.year - 1911}/{future.month:02d}/{future.day:02d}"
    other = villages[1]
    return [
        ([p["dies"], "死亡", "114/10/15", "", "", "", "", "", "醫院通報"],
         ("update", "dies", {"status": "deceased", "status_date": date(2025, 10, 15)})),
        ([p["leaves"].lower(), "遷出", "1141001", "", "", "", "", "", ""],
         ("update", "leaves", {"status": "moved_out", "status_date": date(2025, 10, 1)})),
        ([p["widthy"].translate(FULL_WIDTH), "住址變更", "2025-10-15", "中厝路 8 號",
          other.name_zh, "5", "", "", ""],
         ("update", "widthy", {"address": "中厝路 8 號", "village_id": other.id,
                               "neighbourhood": 5})),
        ([p["english"], "Move-Out", "2025/10/01", "", "", "", "", "", ""],
         ("update", "english", {"status": "moved_out", "status_date": date(2025, 10, 1)})),
        ([p["roc_words"], "death", "民國114年10月2日", "", "", "", "", "", ""],
         ("update", "roc_words", {"status": "deceased", "status_date": date(2025, 10, 2)})),
        ([newcomer, "遷入", "114年9月1日", "林園北路 1 號", villages[0].name_zh, "3鄰",
          "新住民", "0700101", ""],
         ("create", newcomer, {"name": "新住民", "birth_date": date(1981, 1, 1),
                               "registered_on": date(2025, 9, 1), "status": "registered"})),
        ([stranger, "遷入", "114/09/01", "林園北路 2 號", "", "", "", "", ""],
         ("error", "id_number")),
        ([bad_checksum(p["twice"]), "死亡", "114/10/15", "", "", "", "", "", ""],
         ("error", "id_number")),
        (["A12345", "死亡", "114/10/15", "", "", "", "", "", ""], ("error", "id_number")),
        ([p["e1"], "遷出", "114/02/30", "", "", "", "", "", ""], ("error", "date")),
        ([p["e2"], "遷出", "", "", "", "", "", "", ""], ("error", "date")),
        ([p["e3"], "遷出", "next week", "", "", "", "", "", ""], ("error", "date")),
        ([p["e4"], "遷出", future_roc, "", "", "", "", "", ""], ("error", "date")),
        ([p["e5"], "結婚", "114/10/15", "", "", "", "", "", ""], ("error", "change")),
        ([p["e6"], "", "114/10/15", "", "", "", "", "", ""], ("error", "change")),
        ([p["twice"], "遷出", "114/10/20", "", "", "", "", "", ""],
         ("update", "twice", {"status": "moved_out", "status_date": date(2025, 10, 20)})),
        ([p["twice"].lower(), "死亡", "114/10/21", "", "", "", "", "", ""],
         ("error", "id_number")),  # the same person twice in one file
        ([stranger, "死亡", "114/10/15", "", "", "", "", "", ""], ("error", "id_number")),
        ([p["no_address"], "住址變更", "114/10/15", "", "", "", "", "", ""],
         ("error", "new_address")),
        ([p["dead"], "遷出", "114/10/15", "", "", "", "", "", ""], ("error", "change")),
        ([p["dead_addr"], "住址變更", "114/10/15", "王公路 3 號", "", "", "", "", ""],
         ("error", "change")),
        ([p["child"], "死亡", "108/01/01", "", "", "", "", "", ""], ("error", "date")),
        ([p["bad_village"], "住址變更", "114/10/15", "東港路 1 號", "大寮里", "", "", "", ""],
         ("error", "village")),
        ([p["gone"], "遷入", "114/08/01", "溪州路 9 號", "", "", "", "", ""],
         ("update", "gone", {"status": "registered", "status_date": None,
                             "registered_on": date(2025, 8, 1), "address": "溪州路 9 號"})),
        ([p["same"], "死亡", "2025-10-15", "", "", "", "", "", ""], ("unchanged", "same", {})),
        ([p["short_roc"], "遷出", "991231", "", "", "", "", "", ""],
         ("update", "short_roc", {"status": "moved_out", "status_date": date(2010, 12, 31)})),
    ]


def write_file(path, kind, rows):
    if kind == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.append(["林園區戶政事務所 異動清冊"])  # a title row above the headings
        sheet.append(HEADERS)
        for row in rows:
            cells = list(row)
            if cells[2] == "1141001":
                cells[2] = 1141001  # a date typed as a number
            if cells[2] == "2025-10-15":
                cells[2] = date(2025, 10, 15)  # a real date cell
            sheet.append(cells)
        book.save(path)
        return path, 3  # title row 1, headings row 2
    encoding = {"utf8": "utf-8", "bom": "utf-8-sig", "big5": "cp950"}[kind]
    lines = [",".join(HEADERS)] + [",".join(r) for r in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path, 2


def person(db, id_number):
    return db.session.scalar(sa.select(Person).where(Person.id_number == id_number))


@pytest.mark.parametrize("form", ["utf8", "bom", "big5", "xlsx"])
def test_corpus_judged_row_by_row(db, register, tmp_path, staff_user, form):
    people = register[0]
    cases = corpus(register)
    path, first = write_file(tmp_path / f"changes.{'xlsx' if form == 'xlsx' else 'csv'}", form,
                             [c for c, _ in cases])
    result = import_file(path, actor=staff_user)
    assert result.kind == "changes" and result.file_error is None
    errors = {}
    for e in result.errors:
        errors.setdefault(e["row"], set()).add(e["field"])
    for offset, (_cells, outcome) in enumerate(cases):
        row = first + offset
        action, who, expected = (*outcome, None)[:3]
        if action == "error":
            assert errors.get(row) == {who}, (row, _cells, result.errors)
            continue
        assert row not in errors, (row, _cells, result.errors)
        record = person(db, who) if action == "create" else people[who]
        db.session.refresh(record)
        for key, value in expected.items():
            assert getattr(record, key) == value, (row, key)
    created = sum(1 for _, (a, *_r) in cases if a == "create")
    updated = sum(1 for _, (a, *_r) in cases if a == "update")
    assert (result.rows, result.created, result.updated, result.unchanged) == (
        len(cases), created, updated, 1)
    assert result.valid == created + updated + 1


def test_reimport_changes_nothing_and_dry_run_writes_nothing(db, register, tmp_path,
                                                              staff_user):
    path, _ = write_file(tmp_path / "changes.csv", "utf8", [c for c, _ in corpus(register)])
    people_before, audit_before = count(db, Person), count(db, AuditLog)
    dry = import_file(path, dry_run=True, actor=staff_user)
    assert dry.updated > 0 and dry.created == 1
    assert (count(db, Person), count(db, AuditLog)) == (people_before, audit_before)
    assert register[0]["dies"].status == "registered"
    first = import_file(path, actor=staff_user)
    assert first.to_dict()["updated"] == dry.updated
    snapshot = {p.id: (p.status, p.status_date, p.address, p.village_id, p.neighbourhood,
                       p.registered_on, p.updated_at)
                for p in db.session.scalars(sa.select(Person))}
    audits = count(db, AuditLog, AuditLog.action != "import")
    again = import_file(path, actor=staff_user)
    assert (again.created, again.updated, again.unchanged) == (0, 0, first.valid)
    assert count(db, AuditLog, AuditLog.action != "import") == audits
    db.session.expire_all()
    assert {p.id: (p.status, p.status_date, p.address, p.village_id, p.neighbourhood,
                   p.registered_on, p.updated_at)
            for p in db.session.scalars(sa.select(Person))} == snapshot


def test_changes_are_in_the_history_and_the_signal_is_sent(db, register, tmp_path,
                                                           staff_user):
    people = register[0]
    rows = [[people["dies"].id_number, "死亡", "114/10/15", "", "", "", "", "", "醫院通報"],
            [people["widthy"].id_number, "住址變更", "114/10/16", "中厝路 8 號", "", "", "",
             "", ""]]
    path, _ = write_file(tmp_path / "c.csv", "utf8", rows)
    heard = []

    def listener(actor, events):
        heard.append((actor, events))

    signals.people_status_changed.connect(listener)
    try:
        import_file(path, actor=staff_user)
        import_file(path, actor=staff_user)  # nothing new: nothing sent
    finally:
        signals.people_status_changed.disconnect(listener)
    assert len(heard) == 1 and heard[0][0] is staff_user
    assert set(heard[0][1]) == {
        signals.StatusEvent(people["dies"].id, "death", date(2025, 10, 15)),
        signals.StatusEvent(people["widthy"].id, "address_change", date(2025, 10, 16))}
    [moved] = db.session.scalars(sa.select(AuditLog).where(
        AuditLog.entity_type == "people", AuditLog.entity_id == people["widthy"].id,
        AuditLog.action == "update")).all()
    assert moved.before == {"address": "林園北路244號"}
    assert moved.after == {"address": "中厝路 8 號"}
    assert moved.user_id == staff_user.id
    [died] = db.session.scalars(sa.select(AuditLog).where(
        AuditLog.entity_id == people["dies"].id, AuditLog.action == "update")).all()
    assert "醫院通報" in died.summary and died.after["status"] == "deceased"


def test_a_clerk_cannot_change_people_outside_their_villages(db, register, tmp_path,
                                                            make_user):
    people, _n, _s, villages = register
    clerk = make_user("staff", villages=[villages[1]])
    path, _ = write_file(tmp_path / "c.csv", "utf8",
                         [[people["dies"].id_number, "死亡", "114/10/15", "", "", "", "", "",
                           ""]])
    result = import_file(path, actor=clerk)
    assert result.valid == 0 and result.errors[0]["field"] == "id_number"
    db.session.refresh(people["dies"])
    assert people["dies"].status == "registered"


def test_kinds_are_recognised_from_the_headings():
    assert recognise(HEADERS) == "changes"
    assert recognise(["ID number", "change", "date"]) == "changes"
    assert recognise(["身分證字號", "姓名", "出生日期", "里", "鄰", "地址"]) == "people"
    # Incomplete headings: the closest kind, whose import then names the missing columns.
    assert recognise(["身分證字號", "姓名", "出生日期"]) == "people"
    assert recognise(["身分證字號", "異動日期"]) == "changes"
    assert recognise(["甲", "乙"]) is None
    assert list(KINDS) == ["people", "changes", "low-income", "households", "elders"]


def test_cli_kind_given_or_recognised(app, db, register, tmp_path):
    people = register[0]
    path, _ = write_file(tmp_path / "c.csv", "utf8", [
        [people["dies"].id_number, "死亡", "114/10/15", "", "", "", "", "", ""],
        ["A12345", "死亡", "114/10/15", "", "", "", "", "", ""]])
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["roster", "import", str(path), "--dry-run", "--json"])
    assert dry.exit_code == 0, dry.output
    result = json.loads(dry.output)
    assert (result["rows"], result["valid"], result["created"], result["updated"]) == (2, 1, 0, 1)
    assert result["errors"][0]["row"] == 3 and result["errors"][0]["field"] == "id_number"
    wrong = runner.invoke(args=["roster", "import", str(path), "--kind", "people", "--json"])
    assert wrong.exit_code == 1 and json.loads(wrong.output)["errors"][0]["row"] == 1
    done = runner.invoke(args=["roster", "import", str(path), "--kind", "changes", "--json"])
    assert json.loads(done.output)["updated"] == 1
    db.session.refresh(people["dies"])
    assert people["dies"].status == "deceased"
    unknown = tmp_path / "u.csv"
    unknown.write_text("甲,乙,丙\n1,2,3\n", encoding="utf-8")
    out = runner.invoke(args=["roster", "import", str(unknown), "--json"])
    assert out.exit_code == 1 and json.loads(out.output)["errors"][0]["row"] == 1


def test_web_upload_of_a_change_file_previews_then_confirms(client, db, register, staff_user):
    import io

    people = register[0]
    page = client.get("/people/import?lang=en").text
    assert 'value="changes"' in page and "Recognise it from the column headings" in page
    body = ",".join(HEADERS) + "\r\n" + ",".join(
        [people["dies"].id_number, "死亡", "114/10/15", "", "", "", "", "", ""]) + "\r\n"
    response = client.post("/people/import", data={
        "kind": "changes", "file": (io.BytesIO(body.encode("cp950")), "changes.csv")},
        content_type="multipart/form-data")
    assert response.status_code == 302, response.text
    preview = client.get(response.headers["Location"]).text
    assert "Household-registration changes" in preview and "Deceased" in preview
    db.session.refresh(people["dies"])
    assert people["dies"].status == "registered"  # the preview writes nothing
    token = response.headers["Location"].rstrip("/").split("/")[-1]
    assert client.post(f"/people/import/{token}/confirm").status_code == 302
    db.session.refresh(people["dies"])
    assert people["dies"].status == "deceased"
    assert people["dies"].status_date == date(2025, 10, 15)
