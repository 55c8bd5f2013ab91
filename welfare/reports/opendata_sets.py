"""The published datasets: each built from SQL aggregates, then small counts suppressed."""

from flask_babel import lazy_gettext as _l

from welfare.delivery.rules import DONE_OUTCOMES
from welfare.reports import cache, queries, snapshots
from welfare.reports import queries_domains as q
from welfare.reports.opendata import DataColumn, Dataset, published
from welfare.reports.rules import Period, add_months, band_labels
from welfare.roster.models import SEXES
from welfare.rounds.rules import PAID_OUTCOMES

MONTHLY = _l("Monthly")

COMMON = {
    "as_of": DataColumn("as_of", "資料日期", _l("Day the counts refer to (YYYY-MM-DD)")),
    "village_code": DataColumn("village_code", "村里代碼",
                               _l("Village code of the Ministry of the Interior")),
    "village": DataColumn("village", "村里名稱", _l("Village name")),
}


PLACE = (COMMON["village_code"], COMMON["village"])
PERIOD = (DataColumn("period_start", "統計期間起", _l("First day counted")),
          DataColumn("period_end", "統計期間迄", _l("Last day counted")))


def _counts(*columns):
    """Published count columns, each given as (key, Chinese name, meaning)."""
    return [DataColumn(*column, count=True) for column in columns]


def _place(village):
    return {"village_code": village.code, "village": village.name_zh}


def roster(as_of):
    """The stored roster counts on `as_of` (a past month-end: see `snapshots`)."""
    from datetime import date

    keep = snapshots.keep_seconds_for(as_of, date.today(), cache.seconds())
    return snapshots.current(as_of, keep)


def population(as_of):
    """People on the roster by village, age band and sex."""
    villages = queries.villages()
    counts = queries.people_by_village_band_sex(as_of, counts=roster(as_of).people)
    cells = {(v.id, b, s): counts.get((v.id, b, s), 0)
             for v in villages for b in band_labels() for s in SEXES}
    shown = published(cells, [
        lambda k: k[0], lambda k: (k[0], k[2]), lambda k: (k[0], k[1]),
        lambda k: (k[1], k[2]), lambda k: k[1], lambda k: k[2], lambda k: "all",
    ])
    records = []
    for v in villages:
        for band in band_labels():
            records.append({
                "as_of": as_of.isoformat(), **_place(v), "age_band": band,
                "men": shown[(v.id, band, "M")],
                "women": shown[(v.id, band, "F")],
            })
    columns = [COMMON["as_of"], *PLACE,
               DataColumn("age_band", "年齡組", _l("Age band in completed years (100+ is 100 "
                                                   "and over)")),
               DataColumn("men", "男", _l("Men"), count=True),
               DataColumn("women", "女", _l("Women"), count=True)]
    return Dataset(
        "population", _l("People on the welfare roster by village, age band and sex"),
        _l("Residents on the district's welfare roster (seniors, low-income households, "
           "isolated elders and their households) on the last day of last month. This is "
           "not the household-registration population."),
        columns, records, as_of, MONTHLY)


def _by_village(items, villages, outcomes, done):
    """Published {(item id, village id, "done" or "not"): count} of each item (a round or
    an event) in every village, from {(item id, village id, outcome): count}."""
    cells = {(i.id, v.id, part): 0 for i in items for v in villages for part in ("done", "not")}
    for (item_id, village_id, outcome), n in outcomes.items():
        cells[(item_id, village_id, "done" if outcome in done else "not")] += n
    return published(cells, [lambda k: (k[0], k[1]), lambda k: (k[0], k[2]), lambda k: k[0]])


def _five_years(as_of):
    return Period(as_of.replace(year=as_of.year - 5), as_of)


def gift_rounds(as_of):
    """Elder-gift rounds whose payout period has ended: paid and unpaid in each village."""
    rounds = [r for r in q.rounds_in_period(_five_years(as_of)) if r.payout_end <= as_of]
    villages = queries.villages()
    outcomes = {key: n for key, (n, _amount) in q.round_outcomes([r.id for r in rounds]).items()}
    shown = _by_village(rounds, villages, outcomes, PAID_OUTCOMES)
    records = [{
        "year": r.year, "round": r.name, "payout_start": r.payout_start.isoformat(),
        "payout_end": r.payout_end.isoformat(), **_place(v),
        "paid": shown[(r.id, v.id, "done")], "not_paid": shown[(r.id, v.id, "not")],
    } for r in rounds for v in villages]
    columns = [DataColumn("year", "年度", _l("Year (AD) of the round")),
               DataColumn("round", "梯次", _l("Round name")),
               DataColumn("payout_start", "發放起日", _l("First payout day")),
               DataColumn("payout_end", "發放迄日", _l("Last payout day")),
               *PLACE,
               *_counts(("paid", "已發放人數", _l("Paid (in person, by proxy or by transfer)")),
                        ("not_paid", "未發放人數", _l("Not paid (not found, died, moved out, "
                                                      "waived, not claimed)")))]
    return Dataset(
        "elder-gift-rounds", _l("Elder-gift rounds: paid and unpaid by village"),
        _l("Each elder-gift (敬老禮金) round of the last five years whose payout period has "
           "ended, with the people paid and not paid in each village. Amounts are not "
           "published per village."),
        columns, records, as_of, _l("After each round"),
        empty_note=_l("No round's payout period had ended by the day the counts refer to. "
                      "A round is published the month after its payout period ends."))


def visit_coverage(as_of):
    """Isolated elders contacted at least once in the twelve months to the end of last month."""
    period = Period(add_months(as_of, -11), as_of)
    villages = queries.villages()
    coverage = q.visit_coverage(period, as_of, snapshot_id=roster(as_of).snapshot_id)
    cells = {}
    for v in villages:
        elders = sum(c[0] for k, c in coverage.items() if k[0] == v.id)
        reached = sum(c[1] for k, c in coverage.items() if k[0] == v.id)
        cells[(v.id, "reached")] = reached
        cells[(v.id, "not")] = elders - reached
    shown = published(cells, [lambda k: k[0], lambda k: k[1], lambda k: "all"])
    records = [{
        "period_start": period.start.isoformat(), "period_end": period.end.isoformat(),
        **_place(v), "reached": shown[(v.id, "reached")], "not_reached": shown[(v.id, "not")],
    } for v in villages]
    columns = [*PERIOD, *PLACE,
               *_counts(("reached", "已關懷人數", _l("Reached at least once (visit, call, "
                                                    "care point or message)")),
                        ("not_reached", "未關懷人數", _l("Not reached in the period")))]
    return Dataset(
        "visit-coverage", _l("Isolated elders reached by volunteers, by village"),
        _l("How many isolated elders (獨居長者) on the register were reached at least once by "
           "a volunteer or staff in the twelve months to the end of last month."),
        columns, records, as_of, MONTHLY)


def deliveries(as_of):
    """Delivery events of the last five years up to the cut-off: stops served per village."""
    events = q.delivery_events(_five_years(as_of))
    villages = queries.villages()
    shown = _by_village(events, villages, q.delivery_outcomes([e.id for e in events]),
                        DONE_OUTCOMES)
    records = [{
        "event_date": e.event_date.isoformat(), "event": e.name, **_place(v),
        "delivered": shown[(e.id, v.id, "done")], "not_delivered": shown[(e.id, v.id, "not")],
    } for e in events for v in villages]
    columns = [DataColumn("event_date", "發放日期", _l("Day of the delivery event")),
               DataColumn("event", "活動名稱", _l("Delivery event")),
               *PLACE,
               *_counts(("delivered", "已送達戶數", _l("Delivered (to the door, family or "
                                                      "a neighbour)")),
                        ("not_delivered", "未送達戶數", _l("Not delivered or not reported")))]
    return Dataset(
        "relief-deliveries", _l("Relief goods delivered by village"),
        _l("Relief-goods deliveries (such as year-end relief, 歲末送溫情) to low-income "
           "households and isolated elders in the last five years, per village."),
        columns, records, as_of, _l("After each delivery event"),
        empty_note=_l("No delivery event was held by the day the counts refer to (the end "
                      "of last month). An event is published the month after it is held."))


def builders():
    return [population, gift_rounds, deliveries, visit_coverage]
