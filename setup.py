"""Build hook: a wheel (`pip install .`) carries what the app needs at run time.

The project's metadata is in pyproject.toml. Building the package additionally
- compiles every domain's messages.po into messages.mo (the .mo files are not in git:
  six branches adding translations would conflict on every binary file), and
- copies the checkout's top-level templates/, static/ and migrations/ into the package
  (welfare/templates ...), where `welfare.resource_dir` looks first.
Editable installs (`make setup`) use the checkout itself and `make translations`."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
RESOURCES = ("templates", "static", "migrations")


def compile_catalogues(source, target):
    """Every welfare/<domain>/translations/*/LC_MESSAGES/messages.po under `source` as
    messages.mo under `target`, fuzzy entries included as in `make translations`."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(source.glob("welfare/*/translations/*/LC_MESSAGES/messages.po")):
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as fileobj:
            catalog = read_po(fileobj)
        with mo.open("wb") as fileobj:
            write_mo(fileobj, catalog, use_fuzzy=True)
        written.append(mo)
    return written


class BuildWithResources(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        build_lib = Path(self.build_lib)
        compile_catalogues(HERE, build_lib)
        for name in RESOURCES:
            target = build_lib / "welfare" / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(HERE / name, target,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithResources})
