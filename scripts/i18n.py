"""Keep each domain's zh_Hant_TW catalogue in step with its strings.

    python scripts/i18n.py update [DOMAIN ...]  # extract and merge new msgids (empty msgstr)
    python scripts/i18n.py missing  # list msgids without a translation; exit 1 if any

Domain `auth` also owns the shared templates (base, _macros, errors) and welfare/*.py.
"""

import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LOCALE = "zh_Hant_TW"
PYBABEL = str(Path(sys.executable).parent / "pybabel")
SHARED_TEMPLATES = ("base.html", "_macros", "errors")


def domains():
    return sorted(p.name for p in (ROOT / "welfare").iterdir()
                  if p.is_dir() and (p / "__init__.py").exists() and p.name != "core")


def sources(domain):
    paths = [ROOT / "welfare" / domain]
    if (ROOT / "templates" / domain).exists():
        paths.append(ROOT / "templates" / domain)
    if domain == "auth":
        paths += [ROOT / "templates" / name for name in SHARED_TEMPLATES]
        paths += sorted((ROOT / "welfare").glob("*.py"))
    return [str(p) for p in paths if p.exists()]


def catalogue(domain):
    return ROOT / "welfare" / domain / "translations" / LOCALE / "LC_MESSAGES" / "messages.po"


def extract(domain, pot):
    subprocess.run(
        [PYBABEL, "-q", "extract", "-F", str(ROOT / "babel.cfg"), "-k", "_l", "--no-location",
         "--omit-header", "-o", str(pot), *sources(domain)],
        check=True, cwd=ROOT,
    )


def update(only=None):
    for domain in only or domains():
        with tempfile.TemporaryDirectory() as tmp:
            pot = Path(tmp) / "messages.pot"
            extract(domain, pot)
            with pot.open("rb") as fh:
                if not list(read_po(fh)):
                    continue
            po = catalogue(domain)
            directory = str(po.parent.parent.parent)
            cmd = "update" if po.exists() else "init"
            args = [PYBABEL, "-q", cmd, "-i", str(pot), "-d", directory, "-l", LOCALE]
            if cmd == "update":
                args += ["--no-fuzzy-matching", "--ignore-obsolete"]
            subprocess.run(args, check=True, cwd=ROOT)


def missing():
    """(domain, msgid) pairs with no translation."""
    found = []
    for domain in domains():
        with tempfile.TemporaryDirectory() as tmp:
            pot = Path(tmp) / "messages.pot"
            extract(domain, pot)
            with pot.open("rb") as fh:
                wanted = [m.id for m in read_po(fh) if m.id]
        if not wanted:
            continue
        po = catalogue(domain)
        translated = {}
        if po.exists():
            with po.open("rb") as fh:
                translated = {m.id: m.string for m in read_po(fh) if m.id}
        for msgid in wanted:
            string = translated.get(msgid)
            empty = not string or (isinstance(string, tuple | list) and not all(string))
            if empty:
                found.append((domain, msgid))
    return found


if __name__ == "__main__":
    if sys.argv[1:2] == ["update"]:
        update(sys.argv[2:])
    elif sys.argv[1:] == ["missing"]:
        rows = missing()
        for domain, msgid in rows:
            print(f"{domain}\t{msgid if isinstance(msgid, str) else msgid[0]}")
        sys.exit(1 if rows else 0)
    else:
        print(__doc__)
        sys.exit(2)
