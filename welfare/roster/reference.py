"""Reference data present in every install: the 24 villages and low-income categories."""

import json
from pathlib import Path

import sqlalchemy as sa

VILLAGES_FILE = Path(__file__).resolve().parent.parent / "data" / "linyuan_villages.geojson"

DEFAULT_CATEGORIES = [
    ("L0", "第0類", "Category 0"),
    ("L1", "第1類", "Category 1"),
    ("L2", "第2類", "Category 2"),
    ("L3", "第3類", "Category 3"),
    ("L4", "第4類", "Category 4"),
]


def village_rows():
    """Dicts for the villages table, from the shipped GeoJSON."""
    data = json.loads(VILLAGES_FILE.read_text(encoding="utf-8"))
    rows = []
    for feature in data["features"]:
        props = feature["properties"]
        rows.append({
            "code": props["VILLCODE"],
            "name_zh": props["VILLNAME"],
            "name_en": props["VILLENG"].replace(" Vil.", " Village"),
            "centroid_lat": props["centroid_lat"],
            "centroid_lng": props["centroid_lng"],
            "boundary": feature["geometry"],
        })
    return sorted(rows, key=lambda r: r["code"])


def category_rows():
    return [{"code": c, "name_zh": zh, "name_en": en, "active": True}
            for c, zh, en in DEFAULT_CATEGORIES]


# Lightweight tables, so that migrations calling this do not depend on today's models.
_villages = sa.table(
    "villages", sa.column("code"), sa.column("name_zh"), sa.column("name_en"),
    sa.column("centroid_lat"), sa.column("centroid_lng"), sa.column("boundary", sa.JSON),
)
_categories = sa.table(
    "low_income_categories", sa.column("code"), sa.column("name_zh"), sa.column("name_en"),
    sa.column("active"),
)


def ensure_reference_data(connection):
    """Insert the villages and default categories that are missing (idempotent)."""
    for table, rows in ((_villages, village_rows()), (_categories, category_rows())):
        have = set(connection.scalars(sa.select(table.c.code)))
        missing = [r for r in rows if r["code"] not in have]
        if missing:
            connection.execute(sa.insert(table), missing)
