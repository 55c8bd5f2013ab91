"""Reference data present in every install: the district's villages and low-income
categories."""

import os

import sqlalchemy as sa
from flask import current_app, has_app_context

from welfare.geo import district

DEFAULT_CATEGORIES = [
    ("L0", "第0類", "Category 0"),
    ("L1", "第1類", "Category 1"),
    ("L2", "第2類", "Category 2"),
    ("L3", "第3類", "Category 3"),
    ("L4", "第4類", "Category 4"),
]


def configured_districts():
    if has_app_context():
        return current_app.config.get("WELFARE_DISTRICT")
    return os.environ.get("WELFARE_DISTRICT")


def village_rows(districts=None):
    """Dicts for the villages table: every village of the configured district(s), from the
    MOI village map (welfare/geo/atlas.py)."""
    return district.village_rows(districts or configured_districts())


def category_rows():
    return [{"code": c, "name_zh": zh, "name_en": en, "active": True}
            for c, zh, en in DEFAULT_CATEGORIES]


# A lightweight table, so that migrations calling this do not depend on today's models.
_categories = sa.table(
    "low_income_categories", sa.column("code"), sa.column("name_zh"), sa.column("name_en"),
    sa.column("active"),
)


def ensure_reference_data(connection, districts=None):
    """Insert the villages and default categories that are missing (idempotent)."""
    district.ensure_villages(connection, districts or configured_districts())
    have = set(connection.scalars(sa.select(_categories.c.code)))
    missing = [r for r in category_rows() if r["code"] not in have]
    if missing:
        connection.execute(sa.insert(_categories), missing)
