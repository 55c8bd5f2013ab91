"""Open data: de-identified aggregates as CSV and JSON, following data.gov.tw habits
(UTF-8 CSV with a byte-order mark, Chinese column names, the open-data licence).

Counts of 1 or 2 are never published: such cells, and the complementary cells chosen by
`rules.suppress`, are left empty in CSV and null in JSON. No totals are published (a total
beside a hidden cell, or a small total, gives it away); and because totals such as a
village's population are public elsewhere, every group whose total might be known hides
either nothing or at least two cells adding up to 3 or more."""

import csv
import io
import json
import threading
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app

from welfare.reports.rules import suppress

LICENSE = "政府資料開放授權條款-第1版"
LICENSE_URL = "https://data.gov.tw/license"


def publisher():
    """The office that publishes the data sets (its name follows WELFARE_DISTRICT)."""
    return f"{current_app.config['OFFICE_NAME']}社會課"



@dataclass
class DataColumn:
    key: str
    name_zh: str
    meaning: str  # translated on the page
    count: bool = False


@dataclass
class Dataset:
    slug: str
    title: object
    description: object
    columns: list
    records: list
    as_of: date
    frequency: object = ""
    notes: list = field(default_factory=list)
    empty_note: object = ""  # why the dataset has no rows yet, said on the page


def cutoff(today):
    """Open data is released monthly: everything counts up to the end of last month."""
    return today.replace(day=1) - timedelta(days=1)


def published(cells, groups):
    """{key: count or None}: the cells with the hidden ones set to None."""
    hidden = suppress(cells, groups)
    return {key: (None if key in hidden else n) for key, n in cells.items()}


def to_csv(dataset):
    """UTF-8 with a byte-order mark, one header row, plain rows: the licence line is on the
    dataset's page, in the JSON and in the response's Link header, not inside the table."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.name_zh for c in dataset.columns])
    for record in dataset.records:
        writer.writerow(["" if record.get(c.key) is None else record.get(c.key)
                         for c in dataset.columns])
    return buffer.getvalue().encode("utf-8")


def to_json(dataset, meanings):
    document = {
        "dataset": dataset.slug,
        "title": str(dataset.title),
        "description": str(dataset.description),
        "publisher": publisher(),
        "license": LICENSE,
        "license_url": LICENSE_URL,
        "as_of": dataset.as_of.isoformat(),
        "update_frequency": str(dataset.frequency),
        "suppression": "counts of 1 or 2 and complementary cells are null",
        "columns": [{"key": c.key, "name": c.name_zh, "meaning": meanings[c.key]}
                    for c in dataset.columns],
        "records": dataset.records,
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


class DailyCache:
    """Datasets change once a month; keep each per process for the day it was made on."""

    def __init__(self):
        self._lock = threading.Lock()
        self._items = {}

    def get(self, key, today, compute):
        with self._lock:
            hit = self._items.get(key)
        if hit and hit[0] == today:
            return hit[1]
        value = compute()
        with self._lock:
            self._items[key] = (today, value)
        return value

    def clear(self):
        with self._lock:
            self._items.clear()


cache = DailyCache()
