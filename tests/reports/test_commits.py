"""Reports' pages commit only through the unit of work (STYLE habit 11): no module that a
GET request runs calls commit() itself; the CLI's refresh commits each day it counts."""

import ast
from pathlib import Path

REPORTS = Path(__file__).resolve().parents[2] / "welfare" / "reports"
# `flask reports refresh` / `warm` (cli.py, snapshots.refresh_due): commands, not requests.
COMMITTING = {("cli.py", None), ("snapshots.py", "refresh_due")}


def commits():
    found = []
    for path in sorted(REPORTS.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "commit":
                    found.append((path.name, function.name))
    return found


def test_only_the_commands_commit():
    found = commits()
    assert ("snapshots.py", "refresh_due") in found  # the check sees a commit
    assert {(f, fn) for f, fn in found
            if (f, None) not in COMMITTING and (f, fn) not in COMMITTING} == set()
