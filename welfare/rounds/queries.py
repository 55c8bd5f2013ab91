"""Read-only selects for rounds: lists, totals, progress, change reports, look-ups."""

import functools
import re

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, lazyload

from welfare.auth import scope
from welfare.core import idno
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.roster.models import HouseholdMember, LowIncomeCategory, Person
from welfare.rounds import eligibility
from welfare.rounds.models import Payout, Round, RoundBatch, RoundEntry
from welfare.rounds.rules import NEAR_DAYS, PAID_OUTCOMES, assess, home_delivery_cutoff

TOKEN = re.compile(r"^[0-9A-F]{12}$")
# What a row pays: its amount (NT$), or in a goods round the quantity of goods. Totals below
# add these up, and pages show them as money or as goods by the round's kind.
VALUE = sa.func.coalesce(RoundEntry.quantity, RoundEntry.amount)


def low_income_categories():
    """{code: Chinese name} of the active 款別, for rules by category."""
    return dict(db.session.execute(
        sa.select(LowIncomeCategory.code, LowIncomeCategory.name_zh)
        .where(LowIncomeCategory.active.is_(True)).order_by(LowIncomeCategory.code)).all())


def rounds():
    return db.session.scalars(sa.select(Round).order_by(Round.year.desc(), Round.id.desc())).all()


def totals(round_id, batch=None):
    """(people, amount or quantity) on the frozen roster."""
    query = sa.select(sa.func.count(RoundEntry.id), sa.func.coalesce(sa.func.sum(VALUE), 0)
                      ).where(RoundEntry.round_id == round_id)
    if batch is not None:
        query = query.where(RoundEntry.batch == batch)
    people, amount = db.session.execute(query).one()
    return people, int(amount)


def approved_batches(round_id):
    """The numbers of a round's approved lists (the roster, once approved, and supplementary
    lists), as a subquery: only these are paid by bank transfer."""
    return sa.select(RoundBatch.number).where(RoundBatch.round_id == round_id,
                                              RoundBatch.approved_at.is_not(None))


def held(round_id):
    """How many frozen rows are on hold (died or moved out since the freeze)."""
    return db.session.scalar(sa.select(sa.func.count(RoundEntry.id)).where(
        RoundEntry.round_id == round_id, RoundEntry.hold.is_not(None)))


def by_village(round_id, batch=None):
    """[{code, name, people, amount}] for every village with frozen rows (of one batch)."""
    rows = db.session.execute(
        sa.select(Village.code, Village.name_zh, Village.name_en, Village.id,
                  sa.func.count(RoundEntry.id), sa.func.sum(VALUE))
        .join(RoundEntry, RoundEntry.village_id == Village.id)
        .where(RoundEntry.round_id == round_id,
               sa.true() if batch is None else RoundEntry.batch == batch)
        .group_by(Village.code, Village.name_zh, Village.name_en, Village.id)
        .order_by(Village.code))
    return [{"code": c, "name": zh, "name_en": en, "village_id": vid, "people": n,
             "amount": int(a or 0)} for c, zh, en, vid, n, a in rows]


def summary(round_):
    """The shape `rounds show --json` prints: the frozen roster with the approved
    supplementary lists (their share again under "supplementary"); lists still awaiting
    approval only under "awaiting_approval"."""
    count = "households" if round_.by_household else "people"
    counted = sa.or_(RoundEntry.batch == 0,
                     RoundEntry.batch.in_(approved_batches(round_.id)))
    late = sa.and_(RoundEntry.batch > 0, counted)
    waiting = sa.and_(RoundEntry.batch > 0, sa.not_(counted))

    def part(condition):
        return (sa.func.sum(sa.case((condition, 1), else_=0)),
                sa.func.sum(sa.case((condition, VALUE), else_=0)))

    rows = db.session.execute(
        sa.select(Village.code, Village.name_zh, *part(counted), *part(late), *part(waiting))
        .join(RoundEntry, RoundEntry.village_id == Village.id)
        .where(RoundEntry.round_id == round_.id)
        .group_by(Village.code, Village.name_zh).order_by(Village.code)).all()

    # A goods round gives quantities of its goods where a cash round gives amounts.
    value = "quantity" if round_.pays_goods else "amount"
    goods = {"goods": round_.goods_name, "goods_unit": round_.goods_unit} if (
        round_.pays_goods) else {}

    def figures(n, amount):
        return {count: int(n or 0), value: int(amount or 0)}

    villages = [{"code": code, "name": name, **figures(n, a),
                 "supplementary": figures(sn, sa_)}
                for code, name, n, a, sn, sa_, _wn, _wa in rows if n]
    total = [sum(int(r[i] or 0) for r in rows) for i in range(2, 8)]
    return {"id": round_.id, "name": round_.name, "status": round_.status, "unit": round_.unit,
            "kind": round_.kind, **goods, **figures(*total[0:2]),
            "supplementary": figures(*total[2:4]),
            "awaiting_approval": figures(*total[4:6]), "villages": villages}


def by_tier(round_id, batch=None):
    """[(tier, amount, people)] on the frozen roster (of one batch)."""
    return db.session.execute(
        sa.select(RoundEntry.tier, VALUE, sa.func.count(RoundEntry.id))
        .where(RoundEntry.round_id == round_id,
               sa.true() if batch is None else RoundEntry.batch == batch)
        .group_by(RoundEntry.tier, VALUE).order_by(VALUE)).all()


def progress(round_id):
    """Per village: people, amount, paid people and amount (goods rounds: quantities),
    counts per outcome."""
    effective = (sa.select(Payout.entry_id, Payout.outcome, Payout.amount)
                 .where(Payout.round_id == round_id, Payout.reversed_at.is_(None)).subquery())
    rows = db.session.execute(
        sa.select(RoundEntry.village_id, effective.c.outcome, sa.func.count(RoundEntry.id),
                  sa.func.sum(VALUE),
                  sa.func.coalesce(sa.func.sum(
                      sa.func.coalesce(RoundEntry.quantity, effective.c.amount)), 0))
        .outerjoin(effective, effective.c.entry_id == RoundEntry.id)
        .where(RoundEntry.round_id == round_id)
        .group_by(RoundEntry.village_id, effective.c.outcome))
    villages = {v.id: v for v in db.session.scalars(sa.select(Village))}
    table = {}
    for village_id, outcome, count, amount, paid_amount in rows:
        row = table.setdefault(village_id, {"village": villages[village_id], "people": 0,
                                            "amount": 0, "paid": 0, "paid_amount": 0,
                                            "outcomes": {}})
        row["people"] += count
        row["amount"] += int(amount or 0)
        row["outcomes"][outcome or "none"] = count
        if outcome in PAID_OUTCOMES:
            row["paid"] += count
            row["paid_amount"] += int(paid_amount)
    result = sorted(table.values(), key=lambda r: r["village"].code)
    total = {"people": 0, "amount": 0, "paid": 0, "paid_amount": 0, "outcomes": {}}
    for row in result:
        for key in ("people", "amount", "paid", "paid_amount"):
            total[key] += row[key]
        for key, count in row["outcomes"].items():
            total["outcomes"][key] = total["outcomes"].get(key, 0) + count
    return result, total


def entries_for_sheet(round_id, village_id=None, neighbourhood=None, batch=0):
    """Frozen rows in sheet order: 鄰, then address, then name."""
    # The rows carry their village's code and name; loading each Village (and its boundary)
    # with every one of 14,000 rows is not needed.
    query = (sa.select(RoundEntry).options(lazyload(RoundEntry.village))
             .where(RoundEntry.round_id == round_id, RoundEntry.batch == batch)
             .order_by(RoundEntry.village_code, sa.func.coalesce(RoundEntry.neighbourhood, 0),
                       RoundEntry.address, RoundEntry.name, RoundEntry.id))
    if village_id is not None:
        query = query.where(RoundEntry.village_id == village_id)
    if neighbourhood is not None:
        query = query.where(RoundEntry.neighbourhood == neighbourhood)
    return db.session.scalars(query).all()


def lookup(round_id, text):
    """The frozen row for a scanned sheet code or a typed ID number, else None."""
    value = idno.normalise(text)
    column = RoundEntry.token if TOKEN.match(value) else RoundEntry.id_number
    found = db.session.scalar(sa.select(RoundEntry).where(RoundEntry.round_id == round_id,
                                                          column == value))
    if found is None and column is RoundEntry.id_number:
        # A household round: another member's ID card finds the household's entry.
        household = (sa.select(HouseholdMember.household_id)
                     .join(Person, Person.id == HouseholdMember.person_id)
                     .where(Person.id_number == value))
        found = db.session.scalar(sa.select(RoundEntry).where(
            RoundEntry.round_id == round_id, RoundEntry.household_id.in_(household)))
    return found


def home_deliveries(round_, village_id=None):
    """Frozen rows still to be visited at home: centenarians without an account on file,
    on an approved list, not held, still registered and without an outcome."""
    effective = sa.select(Payout.entry_id).where(Payout.round_id == round_.id,
                                                 Payout.reversed_at.is_(None))
    approved = sa.select(RoundBatch.number).where(RoundBatch.round_id == round_.id,
                                                  RoundBatch.approved_at.is_not(None))
    query = (sa.select(RoundEntry).options(lazyload(RoundEntry.village))
             .join(Person, Person.id == RoundEntry.person_id)
             .where(RoundEntry.round_id == round_.id, RoundEntry.bank.is_(None),
                    RoundEntry.hold.is_(None), Person.status == "registered",
                    RoundEntry.birth_date <= home_delivery_cutoff(round_.rules.reference_date),
                    RoundEntry.batch.in_(approved), RoundEntry.id.not_in(effective))
             .order_by(RoundEntry.village_code, sa.func.coalesce(RoundEntry.neighbourhood, 0),
                       RoundEntry.address, RoundEntry.name, RoundEntry.id))
    if village_id is not None:
        query = query.where(RoundEntry.village_id == village_id)
    return db.session.scalars(query).all()


def typing_problem(text):
    """Why a typed value cannot be anyone's ID number: 'checksum' when it has the shape of
    one but the check digit is wrong, 'format' when it is neither an ID number nor a code."""
    value = idno.normalise(text)
    if TOKEN.match(value):
        return None
    try:
        idno.validate(value)
    except idno.InvalidIdNumber as exc:
        return exc.code
    return None


def find_by_name(round_id, name, birth_date, limit=20):
    """Frozen rows of this round whose name contains `name`, born on `birth_date` (within
    the clerk's villages, as every RoundEntry select)."""
    return db.session.scalars(
        sa.select(RoundEntry).where(RoundEntry.round_id == round_id,
                                    RoundEntry.name.contains(name.strip(), autoescape=True),
                                    RoundEntry.birth_date == birth_date)
        .order_by(RoundEntry.village_code, RoundEntry.name, RoundEntry.id).limit(limit)).all()


def claim(round_id, entry_id):
    """Everything the payout rules read about one frozen row, in one query: the entry, its
    round's status and window, the person's register status, whether its batch is approved
    and the effective outcome (current_id, current_outcome, current_paid_on). None if the
    entry is not on this round."""
    db.session.flush()  # what session.execute would do: the caller may have pending changes
    return db.session.connection().execute(
        _claim_select_in(scope.current()), {"round_id": round_id, "entry_id": entry_id}
    ).one_or_none()


@functools.lru_cache(maxsize=256)
def _claim_select_in(acting):
    # A Core select: the session's loader criteria do not reach it, so it narrows itself.
    narrowed = scope.criteria(RoundEntry, acting)
    return _claim_select() if narrowed is None else _claim_select().where(narrowed)


@functools.cache
def _claim_select():
    # Built once: composing this select costs more CPU than PostgreSQL spends running it.
    entry, round_, person = RoundEntry.__table__, Round.__table__, Person.__table__
    batch, payout = RoundBatch.__table__, Payout.__table__
    return (
        sa.select(entry.c.id, entry.c.round_id, entry.c.name, entry.c.amount, entry.c.quantity,
                  round_.c.kind, entry.c.batch,
                  entry.c.hold, entry.c.hold_on, entry.c.bank_account, entry.c.id_number,
                  entry.c.village_id,
                  entry.c.token, round_.c.status.label("round_status"), round_.c.payout_start,
                  round_.c.payout_end, round_.c.late_claim_end,
                  person.c.status.label("person_status"),
                  batch.c.approved_at.label("batch_approved_at"),
                  payout.c.id.label("current_id"), payout.c.outcome.label("current_outcome"),
                  payout.c.paid_on.label("current_paid_on"))
        .join(round_, round_.c.id == entry.c.round_id)
        .outerjoin(person, person.c.id == entry.c.person_id)
        .outerjoin(batch, sa.and_(batch.c.round_id == entry.c.round_id,
                                  batch.c.number == entry.c.batch))
        .outerjoin(payout, sa.and_(payout.c.entry_id == entry.c.id,
                                   payout.c.reversed_at.is_(None)))
        .where(entry.c.id == sa.bindparam("entry_id"),
               entry.c.round_id == sa.bindparam("round_id")))


def paid_notice(round_id, payout_id):
    """(name, amount, village_id, quantity) of an effective payout of this round, for the
    counter's success notice; None otherwise."""
    return db.session.execute(
        sa.select(RoundEntry.name, Payout.amount, RoundEntry.village_id, RoundEntry.quantity)
        .join(RoundEntry, RoundEntry.id == Payout.entry_id)
        .where(Payout.id == payout_id, Payout.round_id == round_id,
               Payout.reversed_at.is_(None))).one_or_none()


def payouts_of(entry_id):
    return db.session.scalars(sa.select(Payout).where(Payout.entry_id == entry_id)
                              .order_by(Payout.recorded_at, Payout.id)).all()


def batches(round_id):
    return db.session.scalars(sa.select(RoundBatch).where(RoundBatch.round_id == round_id)
                              .order_by(RoundBatch.number)).all()


def recent_payouts(round_id, limit=10):
    return db.session.scalars(sa.select(Payout).options(joinedload(Payout.entry),
                                                        lazyload(Payout.recorded_by))
                              .where(Payout.round_id == round_id)
                              .order_by(Payout.id.desc()).limit(limit)).all()


def change_report(round_):
    """(left, newly eligible): frozen people since dead or moved out without a paid outcome,
    and people eligible now who are not on the roster."""
    paid = sa.select(Payout.entry_id).where(Payout.round_id == round_.id,
                                           Payout.reversed_at.is_(None),
                                           Payout.outcome.in_(PAID_OUTCOMES))
    left = db.session.execute(
        sa.select(RoundEntry, Person).join(Person, Person.id == RoundEntry.person_id)
        .where(RoundEntry.round_id == round_.id, Person.status != "registered",
               RoundEntry.id.not_in(paid))
        .order_by(RoundEntry.village_code, RoundEntry.name)).all()
    rules = round_.rules
    if round_.by_household:  # households found after the freeze: supplements.search
        return left, []
    on_roster = sa.select(RoundEntry.person_id).where(RoundEntry.round_id == round_.id)
    new = db.session.scalars(
        sa.select(Person).where(*eligibility.eligible_conditions(rules),
                                eligibility.tier_columns(rules)[1].is_not(None),
                                Person.id.not_in(on_roster))
        .order_by(Person.village_id, Person.name).limit(500)).all()
    return left, new


def preview(round_, page, per_page):
    """Eligible people (paged) with their assessment, tier counts and the near misses."""
    rules = round_.rules
    label, amount = eligibility.tier_columns(rules)
    base = sa.select(Person).where(*eligibility.eligible_conditions(rules), amount.is_not(None))
    pagination = db.paginate(base.order_by(Person.village_id, Person.neighbourhood,
                                           Person.address, Person.id),
                             page=page, per_page=per_page, error_out=False)
    tiers = db.session.execute(
        sa.select(label, amount, sa.func.count(Person.id))
        .where(*eligibility.eligible_conditions(rules), amount.is_not(None))
        .group_by(label, amount).order_by(amount)).all()
    rows = [(p, assess(eligibility.facts_of(p, rules), rules)) for p in pagination.items]
    return pagination, rows, tiers, near_misses(rules)


def near_misses(rules):
    """People just outside a rule: born days after the cut-off, registered days late,
    or left days before the still-registered date."""
    from datetime import timedelta

    general = rules.born_by["general"]
    clauses = [sa.and_(Person.birth_date > general,
                       Person.birth_date <= general + timedelta(days=NEAR_DAYS))]
    if rules.registered_by:
        clauses.append(sa.and_(Person.registered_on > rules.registered_by,
                               Person.registered_on <= rules.registered_by
                               + timedelta(days=NEAR_DAYS)))
    if rules.still_registered_on:
        clauses.append(sa.and_(Person.status != "registered",
                               Person.status_date <= rules.still_registered_on,
                               Person.status_date > rules.still_registered_on
                               - timedelta(days=NEAR_DAYS)))
    people = db.session.scalars(sa.select(Person).where(
        Person.merged_into_id.is_(None), sa.or_(*clauses))
        .order_by(Person.birth_date.desc()).limit(200)).all()
    found = []
    for person in people:
        verdict = assess(eligibility.facts_of(person, rules), rules)
        if not verdict.eligible and verdict.near_miss:
            found.append((person, verdict))
    return found
