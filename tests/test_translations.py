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


def test_domains_agree_on_shared_strings():
    # All catalogues are merged into one at run time, so a msgid used by two
    # domains must have one translation (give different meanings different msgids).
    import glob
    from collections import defaultdict

    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parent.parent
    seen = defaultdict(dict)
    for po in sorted(glob.glob(str(root / "welfare/*/translations/*/LC_MESSAGES/messages.po"))):
        domain = Path(po).parts[-5]
        with open(po, "rb") as fh:
            for message in read_po(fh):
                if message.id and message.string:
                    seen[str(message.id)][domain] = str(message.string)
    clashes = {m: d for m, d in seen.items() if len(set(d.values())) > 1}
    assert clashes == {}
