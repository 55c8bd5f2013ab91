"""Every audit action and record type the code writes has a label in the clerk's words."""

import ast
from pathlib import Path

from tests.conftest import login
from welfare.auth import audit
from welfare.auth.audit_labels import ACTION_LABELS, entity_label
from welfare.extensions import db as _db

ROOT = Path(__file__).resolve().parents[2] / "welfare"
# Tables no audit row names: links between two records, the log itself, counting caches.
NEVER_AUDITED = {"audit_log", "login_failures", "user_villages", "volunteer_villages",
                 "sweep_villages"}


def _strings(node):
    """The string constants an argument can take ('a' if x else 'b' gives both)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _strings(node.body) | _strings(node.orelse)
    return set()


def _calls():
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                yield path, name, node


def written_codes():
    """(actions, entity types) named in audit.record, row_values, the delivery and import
    helpers and log_export calls across welfare/."""
    actions, entities, unresolved = set(), set(), []
    tables = {m.class_.__name__: m.class_.__tablename__
              for m in _db.Model.registry.mappers}
    for path, name, node in _calls():
        first = node.args[0] if node.args else None
        if name in ("record", "row_values", "_audit_row") and path.name != "audit.py":
            found = _strings(first) if first is not None else set()
            if name == "_audit_row" or (isinstance(first, ast.Name) and first.id == "action"):
                continue  # the importer's create/update/unchanged, checked below
            if isinstance(first, ast.JoinedStr) and ast.unparse(first).startswith("f'delivery."):
                continue  # delivery's logged(): its calls are read below
            if not found:
                unresolved.append(f"{path.name}:{node.lineno}")
            actions |= found
            for keyword in node.keywords:
                if keyword.arg == "entity_type":
                    entities |= _strings(keyword.value)
            if name == "row_values" and len(node.args) > 2:
                third = node.args[2]
                entities |= _strings(third)
                if isinstance(third, ast.Attribute) and third.attr == "__tablename__":
                    entities.add(tables[third.value.id])
        elif name == "logged" and "delivery" in path.parts:
            actions |= {f"delivery.{code}" for code in _strings(first)}
        elif name in ("log_export", "_download") and first is not None:
            entities |= _strings(first)
        elif name == "_sheets_pdf" and len(node.args) > 1:
            entities |= _strings(node.args[1])
    return actions, entities, unresolved


def test_every_action_and_record_type_written_has_a_label(app):
    actions, entities, unresolved = written_codes()
    assert unresolved == [], "audit calls whose action the test cannot read"
    assert len(actions) > 40 and "issue_token" in actions and "delivery.optimise" in actions
    assert sorted(actions - set(ACTION_LABELS)) == []
    assert {"create", "update", "unchanged"} <= set(ACTION_LABELS)  # the importer's rows
    assert {"people", "visits", "jobs", "gift_payouts", "route_sheets"} <= entities
    assert sorted(e for e in entities if entity_label(e) == e) == []
    # Record objects passed as entity= name their table: every table that can be one.
    tables = set(_db.metadata.tables) - NEVER_AUDITED
    assert sorted(t for t in tables if str(entity_label(t)) == t) == []


def test_audit_page_speaks_the_clerks_words(client, db, make_user):
    clerk = make_user("staff")
    audit.record("issue_token", actor=clerk, entity=clerk, summary=clerk.username)
    audit.record("approve", actor=clerk, entity_type="gift_rounds", entity_id=2, summary="重陽")
    audit.record("export", actor=clerk, entity_type="report_villages", summary="x")
    db.session.flush()
    login(client, make_user("admin"))
    page = client.get("/audit").text
    rows = page.split("<tbody>")[1]
    for code in ("issue_token", "approve", "gift_rounds", "report_villages"):
        assert code not in rows
    assert "登入手機程式" in rows and "核定名冊" in rows and "敬老禮金 2" in rows
    assert "統計表" in rows
    # The filters are drop-downs in words, and filter by the code.
    assert '<option value="approve">核定名冊</option>' in page
    assert '<option value="gift_rounds">敬老禮金</option>' in page
    filtered = client.get("/audit?action=approve&entity_type=gift_rounds").text
    assert '<option value="approve" selected>' in filtered
    assert "重陽" in filtered and "登入手機程式" not in filtered.split("<tbody>")[1]
