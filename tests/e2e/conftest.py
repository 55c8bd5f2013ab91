"""Browser tests: one live server, one Chromium, axe-core on every page.

What you get (use these in tests/e2e/test_*.py; every test here is marked `e2e`):

- `live_server` (session): a real server on 127.0.0.1:<free port> over a fresh database
  built by the real migrations (`flask db upgrade`), then the demo data of every installed
  domain (`seed_all`, 800 people, seed 832). SQLite: a temp file. PostgreSQL (when
  TEST_DATABASE_URL is set): a separate database "<that db>_e2e", dropped and created.
  CSRF is ON, so real forms must work. Attributes: `.url` (base URL), `.app` (the Flask app,
  for `with live_server.app.app_context():` look-ups), `.errors` (tracebacks of requests that
  raised; an autouse fixture fails any test that caused one).
- `demo_logins`: {"password": ..., "admin": "admin", "staff": "staff", ...}.
- `browser` (session), `phone_page` (390x844, touch) and `desk_page` (1280x800): each page
  lives in a fresh browser context. `url(path)` -> absolute URL.
- `login(page, username)`: signs in through the real form once per username and session,
  then reuses the cookies (storage state) in later contexts; leaves the page on the home page.
  `login(page, username, fresh=True)` always goes through the form.
- `check_axe(page)`: axe-core WCAG 2.0/2.1 A+AA; fails with rule, help, targets and URL.
- `snap(page, name)`: full-page screenshot into $E2E_SCREENSHOTS (no-op when unset).
- `msg(msgid, **kw)`: a UI string as the Chinese interface shows it (tests keep working
  while the .po files are filled in).
- Content Security Policy: every browser context (also those a test opens itself with
  `browser.new_context`) reports console messages and page errors that mention the
  Content Security Policy; an autouse fixture fails the test that caused one.

Without /usr/bin/chromium or the playwright package every e2e test is skipped, unless
WELFARE_REQUIRE_BROWSER=1 (CI), which turns that into a failure.
"""

import logging
import os
import random
import re
import threading
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

import flask_migrate
import pytest
from flask import got_request_exception

from config import TestConfig
from tests.live import files_read_whole, fresh_database
from welfare import create_app
from welfare.demo.cli import DEMO_ACCOUNTS, SeedContext, seed_all
from welfare.extensions import db

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run",
]
DEMO_PASSWORD = "e2e-demo-pass-1"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
DESK = {"viewport": {"width": 1280, "height": 800}}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
E2E_DIR = Path(__file__).resolve().parent
OFF_SITE = re.compile(r"^https?://(?!127\.0\.0\.1[:/])")


def _browser_missing():
    """Why the browser tests cannot run here, or None."""
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is not installed"
    try:
        import axe_playwright_python.sync_playwright  # noqa: F401
        import playwright.sync_api  # noqa: F401
    except ImportError as exc:
        return f"playwright / axe-playwright-python missing: {exc}"
    return None


def pytest_collection_modifyitems(config, items):
    """Mark every test in this folder `e2e`; skip them all (before any fixture runs) when
    the browser is missing, unless CI requires it."""
    reason = _browser_missing()
    for item in items:
        if E2E_DIR not in Path(str(item.fspath)).resolve().parents:
            continue
        item.add_marker(pytest.mark.e2e)
        if reason and os.environ.get("WELFARE_REQUIRE_BROWSER") != "1":
            item.add_marker(pytest.mark.skip(reason=f"browser tests skipped: {reason}"))


@pytest.fixture(scope="session", autouse=True)
def _browser_required():
    reason = _browser_missing()
    if reason:
        pytest.fail(f"WELFARE_REQUIRE_BROWSER=1 but {reason}", pytrace=False)


# ---------------------------------------------------------------- live server

def _fresh_database(tmp_path_factory):
    """A URL for an empty database of our own (and a function that drops it again)."""
    return fresh_database(tmp_path_factory.mktemp("e2e"), "e2e")


class LiveServer:
    def __init__(self, url, app):
        self.url = url
        self.app = app
        self.errors = []

    def __call__(self, path):
        return urljoin(self.url + "/", path.lstrip("/"))


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    from werkzeug.serving import make_server

    database_url, drop_database = _fresh_database(tmp_path_factory)

    class E2EConfig(TestConfig):
        TESTING = False  # real error pages, as users see them
        SQLALCHEMY_DATABASE_URI = database_url
        SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        WTF_CSRF_ENABLED = True
        SESSION_COOKIE_SECURE = False

    app = create_app(E2EConfig)
    with app.app_context():
        flask_migrate.upgrade()
        seed_all(SeedContext(rng=random.Random(832), today=date.today(), people=800,
                             password=DEMO_PASSWORD, echo=lambda *a, **k: None))
        db.session.commit()
        db.session.remove()

    server = LiveServer(None, app)

    def remember(sender, exception, **extra):
        import traceback

        from flask import request

        lines = "".join(traceback.format_exception(exception)).splitlines()
        # The request and the innermost frames say what broke; Flask's own frames do not.
        server.errors.append("\n".join([f"{request.method} {request.full_path}", *lines[-14:]]))

    got_request_exception.connect(remember, app, weak=False)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request is noise
    httpd = make_server("127.0.0.1", 0, files_read_whole(app), threaded=True)
    server.url = f"http://127.0.0.1:{httpd.server_port}"
    thread = threading.Thread(target=httpd.serve_forever, name="e2e-live-server", daemon=True)
    thread.start()
    try:
        yield server
    finally:
        httpd.shutdown()
        thread.join(timeout=10)
        httpd.server_close()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        drop_database()


@pytest.fixture(autouse=True)
def _no_server_errors(request):
    """Any request that raised inside the app fails the test that made it."""
    if "live_server" not in request.fixturenames:
        yield
        return
    server = request.getfixturevalue("live_server")
    before = len(server.errors)
    yield
    new = server.errors[before:]
    assert not new, "the server raised during this test:\n" + "\n".join(new)


@pytest.fixture(scope="session")
def url(live_server):
    return live_server


@pytest.fixture(scope="session")
def demo_logins():
    logins = {role: username for username, role, _name in DEMO_ACCOUNTS}
    logins["password"] = DEMO_PASSWORD
    return logins


@pytest.fixture(scope="session")
def msg(live_server):
    """The Chinese UI text of a msgid (falls back to the msgid until it is translated)."""
    from flask_babel import gettext

    def translate(msgid, **variables):
        with live_server.app.test_request_context("/?lang=zh_Hant_TW"):
            return gettext(msgid, **variables)

    return translate


# ---------------------------------------------------------------- browser

CSP_WORDS = re.compile(r"content.security.policy", re.I)


@pytest.fixture(scope="session")
def csp_violations():
    """Console messages and page errors mentioning the Content Security Policy, in order."""
    return []


def _watch_csp(context, violations):
    def console(message):
        if CSP_WORDS.search(message.text):
            violations.append(f"console {message.type} on {message.page and message.page.url}: "
                              f"{message.text}")

    def web_error(error):
        if CSP_WORDS.search(str(error.error)):
            violations.append(f"page error on {error.page and error.page.url}: {error.error}")

    context.on("console", console)
    context.on("weberror", web_error)
    return context


@pytest.fixture(scope="session")
def browser(csp_violations):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        new_context = chromium.new_context
        # Every context, including those tests open themselves, is watched.
        chromium.new_context = lambda *a, **k: _watch_csp(new_context(*a, **k), csp_violations)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _no_csp_violations(request):
    """A page that broke the Content Security Policy fails the test that opened it."""
    if "browser" not in request.fixturenames:
        yield
        return
    violations = request.getfixturevalue("csp_violations")
    before = len(violations)
    yield
    new = violations[before:]
    assert not new, "Content Security Policy violations:\n" + "\n".join(new)


def _page(browser, live_server, options):
    context = browser.new_context(base_url=live_server.url, locale="zh-TW",
                                  timezone_id="Asia/Taipei", **options)
    context.set_default_timeout(15_000)
    # Hermetic and fast: map tiles and anything else off this server are refused at once.
    context.route(OFF_SITE, lambda route: route.abort())
    page = context.new_page()
    return context, page


@pytest.fixture
def phone_page(browser, live_server):
    context, page = _page(browser, live_server, PHONE)
    yield page
    context.close()


@pytest.fixture
def desk_page(browser, live_server):
    context, page = _page(browser, live_server, DESK)
    yield page
    context.close()


@pytest.fixture(scope="session")
def _signed_in_states():
    return {}


@pytest.fixture
def login(live_server, demo_logins, _signed_in_states):
    """login(page, username, fresh=False): sign in and land on the home page."""

    def sign_in(page, username, fresh=False, password=None):
        state = _signed_in_states.get(username)
        if state and not fresh and password is None:
            page.context.add_cookies(state["cookies"])
            page.goto(live_server("/"))
            if "/login" not in page.url:
                return page
        page.goto(live_server("/login"))
        page.fill("#username", username)
        page.fill("#password", password or demo_logins["password"])
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        assert "/login" not in page.url, f"could not sign in as {username}: {page.url}"
        _signed_in_states[username] = page.context.storage_state()
        return page

    return sign_in


# ---------------------------------------------------------------- checks

def axe_violations(page):
    """axe-core's violations (WCAG 2.0/2.1 level A and AA) on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    options = {"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]}
    return Axe().run(page, options=options).response["violations"]


def describe_violations(violations, where):
    lines = [f"{len(violations)} accessibility violation(s) on {where}:"]
    for v in violations:
        targets = [" ".join(map(str, n["target"])) for n in v["nodes"][:4]]
        more = f" (+{len(v['nodes']) - 4} more)" if len(v["nodes"]) > 4 else ""
        lines.append(f"- {v['id']} [{v.get('impact')}]: {v['help']}")
        lines.append(f"    at {'; '.join(targets)}{more}")
        summary = (v["nodes"][0].get("failureSummary") or "").replace("\n", " ")
        if summary:
            lines.append(f"    {summary[:300]}")
    return "\n".join(lines)


@pytest.fixture(scope="session")
def check_axe():
    def check(page):
        violations = axe_violations(page)
        assert not violations, describe_violations(violations, page.url)

    return check


_SNAP_NAME = re.compile(r"[^\w.-]+")


@pytest.fixture(scope="session")
def snap():
    folder = os.environ.get("E2E_SCREENSHOTS")

    def shoot(page, name):
        if not folder:
            return None
        path = Path(folder) / f"{_SNAP_NAME.sub('-', name)}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
        return path

    return shoot
