"""Imports run downward (STYLE habit 13): every `welfare` module's imports, read with `ast`
(those inside functions too), go to its own layer or a lower one, and nothing is loaded
by name at run time."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "welfare"

# Lowest first. A top-level module (welfare/web.py) is its own unit, named like a domain.
LAYERS = [
    {"core"},  # Flask-free helpers
    {"geo", "extensions", "errors", "sqlite_writes", "params", "uow", "web", "forms",
     "form_messages", "maps",
     "pdf", "uploads"},  # villages and the shared plumbing every domain uses
    {"auth"},
    {"jobs", "exports", "notify"},  # the job queue and logged exports: services over auth for all
    {"roster"},
    {"rounds", "delivery", "visits", "inquiries"},  # programme domains: none imports another
    {"aid"},  # emergency aid pays on the rounds' rails (banks, downloads)
    {"reports", "lookup"},  # lookup reads rounds (and inquiries) for the public
    {"welfare", "models", "demo", "backup", "menu"},  # create_app and what it assembles
]
RANK = {unit: n for n, layer in enumerate(LAYERS) for unit in layer}
PEERS_APART = {"rounds", "delivery", "visits", "inquiries"}

# (importing module, imported unit): each exception with the reason it stands.
ALLOWED = {
    # The RQ worker and cron entry points build the app they run jobs in.
    ("welfare.jobs.runner", "welfare"),
    ("welfare.jobs.cron", "welfare"),
}
# Loading by dotted name: RQ and the scheduler pass a job function's path as text.
BY_NAME_ALLOWED = {"welfare.jobs.services"}


def modules():
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), ast.parse(path.read_text(encoding="utf-8"))


def unit_of(name):
    """'welfare.roster.views' -> 'roster'; 'welfare.web' -> 'web'; 'welfare' -> 'welfare'."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else "welfare"


def is_module(name):
    return (PACKAGE / f"{name}.py").exists() or (PACKAGE / name).is_dir()


def imported(tree):
    """(line, dotted name) of every welfare import, one per imported name for
    `from welfare import x`, so that each submodule counts."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((node.lineno, a.name) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "welfare":
                yield from ((node.lineno, f"welfare.{a.name}" if is_module(a.name) else
                             "welfare") for a in node.names)
            else:
                yield node.lineno, node.module


def upward_imports():
    found = []
    for name, tree in modules():
        source = unit_of(name)
        for line, target in imported(tree):
            if not target.startswith("welfare.") and target != "welfare":
                continue
            to = unit_of(target)
            if to == source or (name, to) in ALLOWED:
                continue
            upward = RANK[to] > RANK[source]
            sideways = source in PEERS_APART and to in PEERS_APART
            if upward or sideways:
                found.append(f"{name}:{line} imports {target}")
    return found


def test_every_unit_has_a_layer():
    units = {unit_of(name) for name, _tree in modules()}
    assert units - set(RANK) == set()


def test_no_module_imports_a_higher_layer():
    assert upward_imports() == []


def test_the_check_sees_an_upward_import():
    tree = ast.parse("def f():\n    from welfare.reports import figures\n")
    assert [unit_of(t) for _line, t in imported(tree)] == ["reports"]
    assert RANK["reports"] > RANK["roster"] > RANK["auth"] > RANK["geo"] > RANK["core"]


def test_nothing_is_loaded_by_name():
    found = []
    for name, tree in modules():
        for line, target in imported(tree):
            if target.startswith("importlib") and name not in BY_NAME_ALLOWED:
                found.append(f"{name}:{line}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "__import__":
                found.append(f"{name}:{node.lineno}")
    assert found == []
