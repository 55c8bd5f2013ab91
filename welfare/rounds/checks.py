"""What an irreversible act will do, read before it is done: the figures of each check page
(freeze, approve, approve a supplementary list, close, reverse a payout). Read-only."""

from dataclasses import replace

import sqlalchemy as sa

from welfare.extensions import db
from welfare.geo.models import Village
from welfare.roster.models import InstitutionStay, Person
from welfare.rounds import eligibility, households, queries
from welfare.rounds.models import Payout, RoundEntry


def _totals(villages):
    return sum(v["people"] for v in villages), sum(v["amount"] for v in villages)


def freeze_check(round_):
    """A draft round: who would be frozen now, by tier and village, and the near misses."""
    rules = round_.rules
    if round_.by_household:
        return household_freeze_check(round_)
    label, amount = eligibility.tier_columns(rules)
    eligible = (*eligibility.eligible_conditions(rules), amount.is_not(None))
    tiers = db.session.execute(
        sa.select(label, amount, sa.func.count(Person.id)).where(*eligible)
        .group_by(label, amount).order_by(amount)).all()
    rows = db.session.execute(
        sa.select(Village.code, Village.name_zh, Village.name_en, sa.func.count(Person.id),
                  sa.func.sum(amount))
        .join(Village, Village.id == Person.village_id).where(*eligible)
        .group_by(Village.code, Village.name_zh, Village.name_en).order_by(Village.code))
    villages = [{"code": c, "name": zh, "name_en": en, "people": n, "amount": int(a or 0)}
                for c, zh, en, n, a in rows]
    people, total = _totals(villages)
    return {"people": people, "amount": total, "tiers": tiers, "villages": villages,
            "near": queries.near_misses(rules), "away": institution_excluded(round_)}


AWAY_LISTED = 200


def institution_excluded(round_):
    """[(person, stay)] left out because they live in an institution on the still-registered
    date (the rule 排除機構安置者): those eligible but for that rule, at most AWAY_LISTED."""
    rules = round_.rules
    if not rules.exclude_institution:
        return []
    if round_.by_household:
        found = households.candidates(rules, keep_away=True)
        return [pair for c in found for pair in c.away][:AWAY_LISTED]
    day = rules.institution_day
    _label, amount = eligibility.tier_columns(rules)
    without = replace(rules, exclude_institution=False)
    return db.session.execute(
        sa.select(Person, InstitutionStay)
        .join(InstitutionStay, InstitutionStay.person_id == Person.id)
        .where(*eligibility.eligible_conditions(without), amount.is_not(None),
               InstitutionStay.started_on <= day,
               sa.or_(InstitutionStay.ended_on.is_(None), InstitutionStay.ended_on >= day))
        .order_by(Person.village_id, Person.name, Person.id).limit(AWAY_LISTED)).all()


def household_freeze_check(round_):
    """freeze_check for a household round: households by amount and village."""
    everyone = households.candidates(round_.rules, keep_away=True)
    found = [c for c in everyone if c.assessment.eligible]
    away = [pair for c in everyone for pair in c.away][:AWAY_LISTED]
    tiers, villages = {}, {}
    for c in found:
        label, amount = c.assessment.tier.label, c.assessment.amount
        tiers[(label, amount)] = tiers.get((label, amount), 0) + 1
        village = c.household.village
        row = villages.setdefault(village.code, {"code": village.code, "name": village.name_zh,
                                                 "name_en": village.name_en, "people": 0,
                                                 "amount": 0})
        row["people"] += 1
        row["amount"] += amount
    rows = [villages[k] for k in sorted(villages)]
    people, total = _totals(rows)
    return {"people": people, "amount": total, "near": [], "villages": rows, "away": away,
            "tiers": [(label, amount, n) for (label, amount), n in sorted(
                tiers.items(), key=lambda item: item[0][1])]}


def approve_check(round_, batch=0):
    """A frozen roster (or one supplementary list) by tier and village, and what changed in
    the register since it was frozen."""
    villages = queries.by_village(round_.id, batch)
    people, total = _totals(villages)
    left, new = queries.change_report(round_)
    return {"people": people, "amount": total, "tiers": queries.by_tier(round_.id, batch),
            "villages": villages, "left": left, "new": new}


def close_check(round_):
    """Per village: the rows that closing marks as forfeited (no outcome yet, or 未遇), and
    what has been paid."""
    effective = (sa.select(Payout.entry_id, Payout.outcome)
                 .where(Payout.round_id == round_.id, Payout.reversed_at.is_(None)).subquery())
    unclaimed = sa.or_(effective.c.outcome.is_(None), effective.c.outcome == "not_found")
    rows = db.session.execute(
        sa.select(Village.code, Village.name_zh, Village.name_en,
                  sa.func.count(RoundEntry.id), sa.func.sum(queries.VALUE),
                  sa.func.sum(sa.case((effective.c.outcome == "not_found", 1), else_=0)))
        .join(Village, Village.id == RoundEntry.village_id)
        .outerjoin(effective, effective.c.entry_id == RoundEntry.id)
        .where(RoundEntry.round_id == round_.id, unclaimed)
        .group_by(Village.code, Village.name_zh, Village.name_en).order_by(Village.code))
    villages = [{"code": c, "name": zh, "name_en": en, "people": n, "amount": int(a or 0),
                 "not_found": int(nf or 0)} for c, zh, en, n, a, nf in rows]
    people, total = _totals(villages)
    _rows, progress = queries.progress(round_.id)
    return {"people": people, "amount": total, "villages": villages,
            "not_found": sum(v["not_found"] for v in villages), "progress": progress}
