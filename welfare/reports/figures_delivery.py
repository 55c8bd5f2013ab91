"""Relief-delivery figures: completion per event and per village."""

from flask_babel import gettext as _

from welfare.delivery.rules import DONE_OUTCOMES as DONE
from welfare.reports import charts
from welfare.reports import queries_domains as q
from welfare.reports.figures import Column, Figure, village_figure
from welfare.reports.rules import percent


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
        meanings={_("Delivered"): "done", _("Not delivered"): "problem",
                  _("Not reported yet"): "pending"},
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
    return village_figure(
        scope, "delivery_villages", _("Relief deliveries by village"),
        _("Every delivery event of the chosen months added up."),
        _columns(Column("village", _("Village"), numeric=False)),
        lambda v: _row(counts, lambda e, vid: vid == v.id), _row(counts, lambda e, v: True),
        (_("Delivery completion by village"),
         _("One bar per village, percent of stops delivered; the table gives the numbers."),
         "completion"),
        ("completion", "stops", "failed"))
