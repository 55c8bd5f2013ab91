"""Every GET route of the URL map for every role, with URL parameters naming objects of
another village (valid ones for the unrestricted roles): no 5xx, and no name or whole ID
number of a person outside the role's scope in the body, read as HTML, JSON, CSV, XLSX, PDF
(pdftotext) or ZIP. A new route is covered the day it is added: a parameter this module cannot
fill fails the test. The write routes that take a person's record answer 404 to the clerk."""

import io
import json
import re
import subprocess
import time
import zipfile
from urllib.parse import unquote

import openpyxl
import pytest

from tests.conftest import ConnectionBoundSession
from tests.data import access_world
from welfare.extensions import db as _db

ROLES = ("anonymous", "admin", "staff", "supervisor", "volunteer", "serviceman", "clerk")
UNRESTRICTED = ("admin", "staff", "supervisor")
# Parameters that are not an object's id, by name and, where a name means two things, by
# endpoint. Everything else must be an id the data set provides.
VALUES = {"fmt": "csv", "bank": "post_office", "slug": "seniors-by-village", "key": "villages",
          "token": "0" * 32, "filename": "css/app.css", "rest": "no/such/path"}
BY_ENDPOINT = {("auth.language", "code"): "en", ("rounds.notices", "code"): "{other_code}",
               # The data-quality lists: the check whose people the data set surely has
               # outside the clerk's village (the suspected pair of another village).
               ("roster.quality_list", "check"): "duplicate",
               ("roster.quality_list_export", "check"): "duplicate"}
# Query strings worth trying besides the bare address (the holes the review found).
QUERIES = {
    "rounds.print_sheets": ["village=&full_ids=y", "village={other_code}&full_ids=y"],
    "rounds.counter": ["q={other_id_number}", "q={other_token}"],
    "roster.people": ["q={other_name}", "village={other_code}"],
    "roster.export_people": ["full_id=1&purpose=matrix", "village={other_code}"],
    "roster.export_households": ["full_id=1&purpose=matrix"],
    "reports.dashboard": ["village={other_code}"],
    "roster.quality_list": ["village={other_code}"],
    "roster.quality_list_export": ["village={other_code}"],
    "roster.expiring": ["village={other_code}"],
    "visits.board": ["village={other_village}&status=all"],
    "rounds.preview": ["near=1"],
}
PEOPLE_IDS = {"person_id", "household_id", "member_id", "elder_id", "contact_id", "flag_id",
              "merge_id", "entry_id", "payout_id", "stop_id", "alert_id", "inquiry_id", "case_id",
              "payment_id", "stay_id"}
CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
ID_NUMBER = re.compile(r"[A-Z][12]\d{8}")
RESULTS = {}


@pytest.fixture(scope="module")
def clerk_district():
    """None: the clerk is limited to one village (a district's module limits it to a district)."""
    return None


@pytest.fixture(scope="module")
def world(app, clerk_district):
    """One data set for the module, in a transaction rolled back at its end. Requests run in
    their own app context with a fresh session, as in production."""
    with app.app_context():
        connection = _db.engine.connect()
        transaction = connection.begin()
        original = _db.session
        _db.session = _db._make_scoped_session(
            {"bind": connection, "join_transaction_mode": "create_savepoint",
             "class_": ConnectionBoundSession})
        try:
            data = access_world.build(clerk_district)
        except BaseException:
            _db.session.remove()
            _db.session = original
            transaction.rollback()
            connection.close()
            raise
    yield data
    with app.app_context():
        _db.session.remove()
        _db.session = original
        transaction.rollback()
        connection.close()


@pytest.fixture(scope="module")
def clients(app, world):
    found = {"anonymous": app.test_client()}
    for role in ROLES[1:]:
        client = app.test_client()
        response = client.post("/login", data={"username": world["usernames"][role],
                                               "password": access_world.PASSWORD})
        assert response.status_code == 302, (role, response.status_code)
        found[role] = client
    return found


def get_rules(app):
    return sorted((r for r in app.url_map.iter_rules() if "GET" in r.methods),
                  key=lambda r: r.rule)


def fill(rule, world, queries=True):
    """The rule's URLs (with the query strings worth trying, when asked): every parameter
    filled, else AssertionError naming the parameter."""
    values = {}
    for name in rule.arguments:
        value = BY_ENDPOINT.get((rule.endpoint, name), VALUES.get(name))
        if value is None:
            value = world["ids"].get(name)
        assert value is not None, f"{rule.endpoint}: no value for <{name}> in the matrix"
        values[name] = str(value).format(**world)
    path = rule.build(values, append_unknown=False)[1]
    extra = QUERIES.get(rule.endpoint, ()) if queries else ()
    return [path] + [f"{path}?{q.format(**world)}" for q in extra]


def texts(body, content_type, name=""):
    """The readable text of a response body or a file inside a ZIP."""
    if "pdf" in content_type or name.endswith(".pdf"):
        result = subprocess.run(["pdftotext", "-q", "-", "-"], input=body, capture_output=True,
                                check=False, timeout=60)
        return [result.stdout.decode("utf-8", "replace")]
    if "spreadsheetml" in content_type or name.endswith(".xlsx"):
        book = openpyxl.load_workbook(io.BytesIO(body), read_only=True)
        return [" ".join(str(c) for s in book for row in s.iter_rows(values_only=True)
                         for c in row if c is not None)]
    if "zip" in content_type or name.endswith(".zip"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return [t for member in archive.namelist()
                    for t in texts(archive.read(member), "", member)]
    text = body.decode("utf-8", "replace")
    if "json" in content_type:
        try:  # \uXXXX escapes would hide names
            text = json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            pass
    return [text]


def leaks(text, names, numbers):
    """Forbidden names and whole ID numbers found in the text."""
    found = {n for n in ID_NUMBER.findall(text) if n in numbers}
    lengths = {len(n) for n in names}
    for run in CJK_RUN.findall(text):
        for size in lengths:
            found |= {run[i:i + size] for i in range(len(run) - size + 1)
                      if run[i:i + size] in names}
    return found


def check(client, rule, url, role, world):
    """Problems with one request (and the download of a job it started)."""
    bodies = [(url, _read(client, url))]
    if bodies[0][1][0] >= 500:
        return [f"{url}: {bodies[0][1][0]}"]
    job = re.search(r"/jobs/(\d+)$", bodies[0][1][3])
    if job:
        download = f"/jobs/{job.group(1)}/download"
        bodies.append((f"{url} -> {download}", _read(client, download)))
    if role in UNRESTRICTED:
        # The ids are real: the unrestricted open a person's record (so a 404 elsewhere is
        # the scope's doing, not a made-up id).
        if bodies[0][1][0] == 404 and set(rule.arguments) & PEOPLE_IDS and role == "admin":
            return [f"{url}: 404 for an admin: the matrix's id is not valid"]
        return []
    names, numbers = world["forbidden"][role]
    # What the request itself typed (a searched name, a scanned code) may be echoed back.
    typed = {value for value in re.split(r"[?&=/]", unquote(url)) if value}
    names, numbers = names - typed, numbers - typed
    problems = []
    for where, (status, content_type, body, _location) in bodies:
        if 300 <= status < 400:
            continue  # a redirect's body only links to where it goes
        if status >= 500:
            problems.append(f"{where}: {status}")
        for text in texts(body, content_type):
            leaked = leaks(text, names, numbers)
            if leaked:
                problems.append(f"{where} ({status}): {sorted(leaked)[:5]}")
    return problems


def _read(client, url):
    response = client.get(url)
    try:
        return (response.status_code, response.content_type or "", response.get_data(),
                response.headers.get("Location", ""))
    finally:
        response.close()


def test_every_route_has_its_parameters(app, world):
    for rule in get_rules(app):
        assert fill(rule, world)


@pytest.mark.parametrize("role", ROLES)
def test_no_route_shows_a_person_outside_the_roles_scope(role, app, world, clients):
    started = time.perf_counter()
    problems, requests = [], 0
    for rule in get_rules(app):
        # The unrestricted roles' whole-district prints are slow and prove nothing more.
        for url in fill(rule, world, queries=role not in UNRESTRICTED):
            requests += 1
            problems += check(clients[role], rule, url, role, world)
    RESULTS[role] = (len(get_rules(app)), requests, time.perf_counter() - started)
    print(f"access matrix {role}: {RESULTS[role][0]} GET routes, {requests} requests, "
          f"{RESULTS[role][2]:.1f} s")
    assert not problems, "\n".join(problems)


def test_matrix_size(app):
    routes = len(get_rules(app))
    print(f"access matrix: {routes} GET routes x {len(ROLES)} roles = {routes * len(ROLES)}")
    assert routes >= 90


# A write route for a role the clerk does not have may answer 403 before looking at the id.
NOT_THE_CLERKS = {"delivery.phone_outcome", "roster.merge_undo",  # undo: admins only
                  "rounds.lift_hold"}  # supervisors only


def test_the_clerk_cannot_write_another_villages_records(app, world, clients):
    posts = [r for r in app.url_map.iter_rules() if "POST" in r.methods
             and set(r.arguments) & PEOPLE_IDS]
    assert len(posts) >= 15
    problems = []
    for rule in posts:
        url = fill(rule, world)[0]
        status = clients["clerk"].post(url, data={"name": "改", "reason": "x"}).status_code
        expected = {403, 404} if rule.endpoint in NOT_THE_CLERKS else {404}
        if status not in expected:
            problems.append(f"POST {url} ({rule.endpoint}): {status}, not {expected}")
    print(f"access matrix: {len(posts)} write routes refused to the village-limited clerk")
    assert not problems, "\n".join(problems)
    stop = clients["staff"].get(f"/delivery/stops/{world['stop_id']}")
    assert stop.status_code == 200  # the other village's stop was not removed


def test_a_route_across_villages_shows_the_clerk_only_their_stops(world, clients):
    mine, theirs = world["route_stop_names"]
    route = world["ids"]["route_id"]
    for path in (f"/delivery/routes/{route}", f"/delivery/routes/{route}/sheet.pdf"):
        response = clients["clerk"].get(path)
        text = texts(response.get_data(), response.content_type)[0]
        assert response.status_code == 200 and mine in text and theirs not in text, path
        assert theirs in texts(clients["staff"].get(path).get_data(), response.content_type)[0]


def test_route_sheets_are_logged_as_exports_with_their_villages(app, world, clients):
    import sqlalchemy as sa

    from welfare.auth.models import AuditLog

    route = world["ids"]["route_id"]
    assert clients["clerk"].get(f"/delivery/routes/{route}/sheet.pdf").status_code == 200
    with app.app_context():
        row = _db.session.scalars(sa.select(AuditLog).where(AuditLog.entity_type == "route_sheet")
                                  .order_by(AuditLog.id.desc())).first()
        assert row.action == "export" and row.user.username == world["usernames"]["clerk"]
        assert row.after["villages"] == [world["mine"]] and row.after["rows"] >= 1
        assert row.after["filters"] == {"event": world["ids"]["event_id"], "route": route}
