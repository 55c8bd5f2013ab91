"""Follow every link the admin can see: no server errors, no axe violations anywhere.

New domains are found through the menu; a few addresses per URL shape keep it fast."""

import re
import time
from collections import defaultdict
from urllib.parse import urldefrag, urljoin, urlsplit

import sqlalchemy as sa

from tests.e2e.conftest import axe_violations, describe_violations
from welfare.extensions import db
from welfare.roster.models import Person

MAX_PAGES = 150
PER_SHAPE = 3  # /people/12 and /people/345 have the same shape /people/N
PER_QUERY = 2  # at most two query-string variants of one path
PHONE_PAGES = 8
TIMINGS = []  # (seconds, what): printed by the admin crawl, to see where the time goes
SKIP = re.compile(r"^/(logout|language/|static/)|[?&]lang=")


def shape(path):
    return re.sub(r"\d+", "N", path)


class Frontier:
    """Which links to visit: same origin, GET-able, a few per URL shape."""

    def __init__(self, base):
        self.base = base
        self.seen = set()
        self.queue = []
        self.per_shape = defaultdict(set)
        self.per_query = defaultdict(set)

    def offer(self, href):
        href, _ = urldefrag(href)
        if not href.startswith(self.base + "/") and href != self.base:
            return
        parts = urlsplit(href)
        path, query = parts.path or "/", parts.query
        if SKIP.search(path + ("?" + query if query else "")) or href in self.seen:
            return
        paths = self.per_shape[shape(path)]
        if path not in paths and len(paths) >= PER_SHAPE:
            return
        queries = self.per_query[path]
        if query and query not in queries and len(queries) >= PER_QUERY:
            return
        paths.add(path)
        if query:
            queries.add(query)
        self.seen.add(href)
        self.queue.append(href)

    def downloaded(self, url):
        """One file per shape is enough (PDFs and spreadsheets are slow to build)."""
        self.per_shape[shape(urlsplit(url).path)].update(f"full{i}" for i in range(PER_SHAPE))


def links_on(page):
    return page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)")


def crawl(page, live_server, start="/", limit=MAX_PAGES, on_page=None):
    """Visit pages breadth-first; returns (visited, problems). `on_page(page, url)` is
    called on every HTML page after its axe check."""
    frontier = Frontier(live_server.url)
    frontier.offer(live_server(start))
    visited, problems = [], []
    while frontier.queue and len(visited) < limit:
        url = frontier.queue.pop(0)
        started = time.perf_counter()
        response = page.request.get(url, max_redirects=0)
        kind = response.headers.get("content-type", "")
        fetched = time.perf_counter() - started
        visited.append((url, response.status, kind.split(";")[0]))
        TIMINGS.append((fetched, url))
        if response.status >= 500:
            problems.append(f"{url}: HTTP {response.status}")
            continue
        if response.status < 300 and "text/html" not in kind:
            frontier.downloaded(url)
        if response.status >= 300 or "text/html" not in kind:
            if response.status in (301, 302, 303, 307, 308) and response.headers.get("location"):
                frontier.offer(urljoin(url, response.headers["location"]))
            continue
        started = time.perf_counter()
        page.goto(url)
        violations = axe_violations(page)
        TIMINGS.append((time.perf_counter() - started, "browser+axe " + url))
        if violations:
            problems.append(describe_violations(violations, url))
        if on_page:
            on_page(page, url)
        for href in links_on(page):
            frontier.offer(href)
    return visited, problems


def snapper(snap, prefix):
    def shoot(page, url):
        parts = urlsplit(url)
        name = shape(parts.path).replace("/", "-") + ("-q" if parts.query else "")
        snap(page, prefix + name)

    return shoot


def test_every_page_the_admin_can_reach(desk_page, live_server, login, snap):
    page = login(desk_page, "admin")
    visited, problems = crawl(page, live_server, on_page=snapper(snap, "crawl-desk"))
    html = [u for u, status, kind in visited if kind == "text/html" and status == 200]
    shapes = {shape(urlsplit(u).path) for u in html}
    expected_shapes = ["/", "/people", "/households", "/elders", "/audit", "/users"]
    with live_server.app.app_context():
        if db.session.scalar(sa.select(sa.func.count(Person.id))):
            expected_shapes.append("/people/N")
    for expected in expected_shapes:
        assert expected in shapes, f"the crawl never reached {expected}: {sorted(shapes)}"
    assert not problems, "\n\n".join(problems)
    print(f"\ncrawled {len(visited)} addresses ({len(html)} HTML pages, {len(shapes)} shapes)")
    for seconds, what in sorted(TIMINGS, reverse=True)[:15]:
        print(f"  {seconds:5.1f} s  {what}")


def test_phone_sized_pages_pass_axe(phone_page, live_server, login, snap):
    page = login(phone_page, "admin")
    visited, problems = crawl(page, live_server, limit=PHONE_PAGES,
                              on_page=snapper(snap, "crawl-phone"))
    assert len(visited) == PHONE_PAGES
    assert not problems, "\n\n".join(problems)
