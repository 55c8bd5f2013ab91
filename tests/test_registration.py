"""Every domain is registered by create_app with plain imports: no switch turns one off,
and a link to a renamed page fails loudly rather than vanishing from the page."""

import re
from pathlib import Path

from config import TestConfig
from welfare import create_app
from welfare.menu import NAV

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
LITERAL_LINK = re.compile(r"""url_for\(\s*['"]([\w.]+)['"]""")
BLUEPRINTS = {"auth", "roster", "jobs", "rounds", "delivery", "visits", "visits_api",
              "inquiries", "aid", "reports", "lookup", "notify"}
COMMANDS = {"users", "roster", "rounds", "delivery", "visits", "reports", "demo", "backup",
            "restore", "villages", "notify", "aid"}


def test_every_domain_is_registered(app):
    assert set(app.blueprints) == BLUEPRINTS
    assert COMMANDS <= set(app.cli.commands)


def test_no_environment_variable_leaves_a_domain_out(monkeypatch):
    monkeypatch.setenv("WELFARE_DOMAINS", "auth,roster")
    assert set(create_app(TestConfig).blueprints) == BLUEPRINTS


def test_every_link_written_in_a_template_names_a_page(app):
    named = {}
    for path in TEMPLATES.rglob("*.html"):
        for endpoint in LITERAL_LINK.findall(path.read_text(encoding="utf-8")):
            named.setdefault(endpoint, path.relative_to(TEMPLATES).as_posix())
    assert len(named) > 50  # the pattern still finds the links
    missing = {e: where for e, where in named.items() if e not in app.view_functions}
    assert missing == {}


def test_every_menu_entry_names_a_page(app):
    assert {endpoint for endpoint, *_rest in NAV} - set(app.view_functions) == set()


def test_links_to_other_domains_are_always_shown(client):
    page = client.get("/privacy").get_data(as_text=True)
    assert page.count('href="/open-data"') == 2  # in the text and in the footer
