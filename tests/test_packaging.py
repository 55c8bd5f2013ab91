"""`pip install .` gives a working app: compiled catalogues, templates, static files and
migrations inside the wheel, found there by the installed package (not the checkout)."""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
LEFT_OUT = shutil.ignore_patterns(".git", ".venv", "instance", "build", "dist", "*.egg-info",
                                  "__pycache__", "*.mo", "out", ".pytest_cache", ".ruff_cache")

INSTALLED_APP_CHECK = """
import json, sys, tempfile
from pathlib import Path
import flask_migrate
import sqlalchemy as sa
import welfare
from config import Config
from welfare import create_app

class Installed(Config):
    SQLALCHEMY_DATABASE_URI = "sqlite:///" + str(Path(sys.argv[1]) / "installed.db")

app = create_app(Installed)
client = app.test_client()
login = client.get("/login?lang=zh_Hant_TW")
css = client.get("/static/css/app.css")
english = client.get("/login?lang=en")
with app.app_context():
    flask_migrate.upgrade()
    tables = sa.inspect(app.extensions["sqlalchemy"].engine).get_table_names()
print(json.dumps({
    "package": welfare.__file__, "templates": app.template_folder, "static": app.static_folder,
    "login": [login.status_code, login.get_data(as_text=True)],
    "english": english.get_data(as_text=True),
    "css": [css.status_code, len(css.data)], "tables": tables,
}))
css.close()
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """The wheel pip builds from a copy of this checkout (the checkout stays untouched)."""
    base = tmp_path_factory.mktemp("packaging")
    source = base / "source"
    shutil.copytree(ROOT, source, ignore=LEFT_OUT)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--quiet",
         "--wheel-dir", str(base / "dist")],
        capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    (path,) = (base / "dist").glob("welfare-*.whl")
    return path


def _catalogues():
    return sorted(ROOT.glob("welfare/*/translations/*/LC_MESSAGES/messages.po"))


def _key(value):
    """Plural entries come as lists from .mo files and tuples from .po files."""
    return tuple(value) if isinstance(value, list | tuple) else value


def test_wheel_carries_compiled_catalogues_matching_the_po_files(wheel):
    catalogues = _catalogues()
    assert len(catalogues) >= 7
    with zipfile.ZipFile(wheel) as archive:
        for po in catalogues:
            name = po.relative_to(ROOT).with_suffix(".mo").as_posix()
            with archive.open(name) as fileobj:
                compiled = {_key(m.id): _key(m.string) for m in read_mo(fileobj) if m.id}
            with po.open("rb") as fileobj:
                written = {_key(m.id): _key(m.string) for m in read_po(fileobj)
                           if m.id and m.string}
            assert compiled == written, name


def test_wheel_carries_templates_static_files_and_migrations(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
    assert "config.py" in names
    for folder in ("templates", "static", "migrations"):
        files = [p for p in (ROOT / folder).rglob("*")
                 if p.is_file() and "__pycache__" not in p.parts]
        assert files
        missing = [p for p in files if f"welfare/{p.relative_to(ROOT).as_posix()}" not in names]
        assert not missing, missing[:5]


def test_installed_wheel_serves_chinese_pages_and_migrates(wheel, tmp_path):
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(site)
    env = dict(os.environ, PYTHONPATH=str(site), WELFARE_INSTANCE=str(tmp_path / "instance"))
    env.pop("DATABASE_URL", None)
    result = subprocess.run([sys.executable, "-c", INSTALLED_APP_CHECK, str(tmp_path)],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["package"].startswith(str(site))  # the installed copy, not the checkout
    assert seen["templates"].startswith(str(site)) and seen["static"].startswith(str(site))
    status, page = seen["login"]
    assert status == 200 and "登入" in page and 'lang="zh-Hant-TW"' in page
    assert "Sign in" in seen["english"]
    assert seen["css"][0] == 200 and seen["css"][1] > 1000
    assert {"people", "audit_log", "gift_payouts", "alembic_version"} <= set(seen["tables"])
