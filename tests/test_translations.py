"""Every user-facing string has a Traditional Chinese translation."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "i18n.py"


def test_every_msgid_is_translated():
    spec = importlib.util.spec_from_file_location("i18n", SCRIPT)
    i18n = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(i18n)
    missing = i18n.missing()
    assert missing == [], "untranslated strings (run scripts/i18n.py update DOMAIN):\n" + "\n".join(
        f"{domain}: {msgid}" for domain, msgid in missing[:40]
    )


def test_chinese_is_the_default(client):
    page = client.get("/login").text
    assert "登入" in page and "帳號" in page


def test_english_can_be_chosen(client):
    page = client.get("/login?lang=en").text
    assert "Sign in" in page and 'lang="en"' in page
    # The choice sticks for the session.
    assert "Sign in" in client.get("/login").text
