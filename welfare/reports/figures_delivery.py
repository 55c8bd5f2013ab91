"""Relief-delivery figures: completion per event and per village, by month, open data."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from welfare.reports import charts, queries
from welfare.reports import queries_domains as q
from welfare.reports.figures import Column, Figure, village_label
from welfare.reports.opendata import DataColumn, Dataset, published
from welfare.reports.rules import Period, percent

DONE = ("delivered", "left_with_family", "left_with_neighbour")


def _events(scope):
    return scope.once("delivery_events", lambda: q.delivery_events(scope.period))


def _counts(scope):
    return scope.counted("delivery_outcomes", lambda: q.delivery_outcomes(
        [e.id for e in _events(scope)], scope.village_ids))


def _row(counts, match):
    row = {"stops": 0, "done": 0, "failed": 0, "pending": 0}
    for (event_id, village_id, outcome), n in counts.items():
        if not match(event_id, village_id):
            continue
        row["stops"] += n
        row["done" if outcome in DONE else ("pending" if outcome is None else "failed")] += n
    row["completion"] = percent(row["done"], row["stops"])
    return row


def _columns(first):
    return [first, Column("stops", _("Stops")), Column("done", _("Delivered")),
            Column("completion", _("Completion %"), percent=True),
            Column("failed", _("Not delivered (not home, refused, wrong address)")),
            Column("pending", _("Not reported yet"))]


def completion(scope):
    """Each delivery event in the period: stops delivered, not delivered, not reported."""
    counts = _counts(scope)
    rows = []
    for event in _events(scope):
        row = _row(counts, lambda e, v, event=event: e == event.id)
        row["event"] = event.name
        rows.append(row)
    total = _row(counts, lambda e, v: True)
    total["event"] = _("Total")
    chart = charts.bar_chart(
        _("Delivery completion by event"),
        _("Bars for stops delivered, not delivered and not reported in each event; the "
          "table gives the numbers."),
        [r["event"] for r in rows],
        {_("Delivered"): [r["done"] for r in rows], _("Not delivered"): [r["failed"] for r in rows],
         _("Not reported yet"): [r["pending"] for r in rows]},
    ) if rows else None
    return Figure("deliveries", _("Relief deliveries"),
                  _("Delivery events held in the chosen months. Goods left with family or a "
                    "neighbour count as delivered."),
                  _columns(Column("event", _("Event"), numeric=False)), rows,
                  total if rows else None, chart,
                  note="" if rows else _("No delivery event in these months."))


def villages(scope):
    """All delivery events of the period added up per village."""
    if not _events(scope):
        return None
    counts = _counts(scope)
    rows = []
    for v in scope.villages():
        row = _row(counts, lambda e, vid, v=v: vid == v.id)
        row.update({"village": village_label(v), "village_id": v.id})
        rows.append(row)
    total = _row(counts, lambda e, v: True)
    total["village"] = _("Total")
    chart = charts.bar_chart(
        _("Delivery completion by village"),
        _("One bar per village, percent of stops delivered; the table gives the numbers."),
        [r["village"] for r in rows], {_("Completion %"): [r["completion"] or 0 for r in rows]},
        percent=True,
    )
    mapped = {key: {r["village_id"]: r[key] for r in rows}
              for key in ("completion", "stops", "failed")}
    return Figure("delivery_villages", _("Relief deliveries by village"),
                  _("Every delivery event of the chosen months added up."),
                  _columns(Column("village", _("Village"), numeric=False)), rows, total, chart,
                  mapped)


def open_dataset(as_of):
    """Delivery events of the last five years up to the cut-off: stops served per village."""
    events = q.delivery_events(Period(as_of.replace(year=as_of.year - 5), as_of))
    all_villages = queries.villages()
    outcomes = q.delivery_outcomes([e.id for e in events])
    cells = {(e.id, v.id, part): 0 for e in events for v in all_villages
             for part in ("done", "not")}
    for (event_id, village_id, outcome), n in outcomes.items():
        cells[(event_id, village_id, "done" if outcome in DONE else "not")] += n
    shown = published(cells, [lambda k: (k[0], k[1]), lambda k: (k[0], k[2]), lambda k: k[0]])
    records = [{
        "event_date": e.event_date.isoformat(), "event": e.name, "village_code": v.code,
        "village": v.name_zh,
        "delivered": shown[(e.id, v.id, "done")], "not_delivered": shown[(e.id, v.id, "not")],
    } for e in events for v in all_villages]
    columns = [DataColumn("event_date", "發放日期", _l("Day of the delivery event")),
               DataColumn("event", "活動名稱", _l("Delivery event")),
               DataColumn("village_code", "村里代碼",
                          _l("Village code of the Ministry of the Interior")),
               DataColumn("village", "村里名稱", _l("Village name")),
               DataColumn("delivered", "已送達戶數", _l("Delivered (to the door, family or "
                                                       "a neighbour)"), count=True),
               DataColumn("not_delivered", "未送達戶數", _l("Not delivered or not reported"),
                          count=True)]
    return Dataset(
        "relief-deliveries", _l("Relief goods delivered by village"),
        _l("Relief-goods deliveries (such as year-end relief, 歲末送溫情) to low-income "
           "households and isolated elders in the last five years, per village."),
        columns, records, as_of, _l("After each delivery event"))
