"""Household rounds: which households a round pays, and their frozen entries.

One entry per household (the head is the payee, the members are listed), so the counter,
sheets, bank files, reconciliation and close work on households exactly as on people."""

import secrets
from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import lazyload

from welfare.extensions import db
from welfare.geo.models import Village
from welfare.roster.models import (
    Household,
    HouseholdMember,
    InstitutionStay,
    IsolatedElder,
    LowIncomeCategory,
    LowIncomeStatus,
    Person,
)
from welfare.rounds.models import BankAccount, Payout, RoundEntry
from welfare.rounds.rules import (
    PAID_OUTCOMES,
    HouseholdFacts,
    assess_household,
    status_keys,
    still_registered,
)

KIND_PROGRAMMES = {"low": "low_income", "mid_low": "mid_low_income"}


@dataclass
class Candidate:
    household: Household
    head: Person
    members: list
    facts: HouseholdFacts
    assessment: object
    # Members left out because they live in an institution: [(person, stay)].
    away: list = ()


def _statuses(on):
    found = defaultdict(set)
    rows = db.session.execute(
        sa.select(LowIncomeStatus.household_id, LowIncomeStatus.kind, LowIncomeCategory.code)
        .outerjoin(LowIncomeCategory, LowIncomeCategory.id == LowIncomeStatus.category_id)
        .where(LowIncomeStatus.certified_from <= on, LowIncomeStatus.certified_until >= on))
    for household_id, kind, code in rows:
        found[household_id] |= status_keys(KIND_PROGRAMMES[kind], code)
    isolated = db.session.execute(
        sa.select(HouseholdMember.household_id)
        .join(IsolatedElder, IsolatedElder.person_id == HouseholdMember.person_id)
        .where(IsolatedElder.active.is_(True))).scalars()
    for household_id in isolated:
        found[household_id].add("isolated_elder")
    return found


def institution_stays(on, person_ids=None):
    """{person id: the stay covering the day} (機構安置)."""
    query = sa.select(InstitutionStay).where(
        InstitutionStay.started_on <= on,
        sa.or_(InstitutionStay.ended_on.is_(None), InstitutionStay.ended_on >= on))
    if person_ids is not None:
        query = query.where(InstitutionStay.person_id.in_(person_ids or [0]))
    return {s.person_id: s for s in db.session.scalars(query)}


def _round_memberships(round_ids, paid):
    """{person id: round ids} for the people (and households) on, or paid in, these rounds."""
    by_person, by_household = defaultdict(set), defaultdict(set)
    if not round_ids:
        return by_person, by_household
    query = sa.select(RoundEntry.round_id, RoundEntry.person_id, RoundEntry.household_id,
                      RoundEntry.members).where(RoundEntry.round_id.in_(round_ids))
    if paid:
        query = query.join(Payout, Payout.entry_id == RoundEntry.id).where(
            Payout.reversed_at.is_(None), Payout.outcome.in_(PAID_OUTCOMES))
    for round_id, person_id, household_id, members in db.session.execute(query):
        by_person[person_id].add(round_id)
        for member in members or ():
            by_person[member["person_id"]].add(round_id)
        if household_id:
            by_household[household_id].add(round_id)
    return by_person, by_household


def candidates(rules, household_ids=None, only_included=True, keep_away=False):
    """Every household with its head, registered members and assessment, in sheet order
    (keep_away: also those left out because all members live in an institution)."""
    on = rules.still_registered_on or rules.reference_date
    statuses = _statuses(on)
    on_round = _round_memberships(rules.exclude_rounds, paid=False)
    paid = _round_memberships(rules.exclude_paid_rounds, paid=True)
    # Not the joined village of every row: a village carries its boundary (JSON).
    query = (sa.select(Household).options(lazyload(Household.village))
             .join(Village, Village.id == Household.village_id)
             .order_by(Village.code, Household.neighbourhood, Household.address, Household.id))
    if rules.include_statuses and only_included:
        query = query.where(Household.id.in_(list(statuses) or [0]))
    if household_ids is not None:
        query = query.where(Household.id.in_(household_ids))
    households = db.session.scalars(query).unique().all()
    members = defaultdict(list)
    if households:
        rows = db.session.execute(
            sa.select(HouseholdMember.household_id, HouseholdMember.relationship_to_head, Person)
            .join(Person, Person.id == HouseholdMember.person_id)
            .options(lazyload(Person.village))
            .where(HouseholdMember.household_id.in_([h.id for h in households]),
                   Person.merged_into_id.is_(None))
            .order_by(Person.birth_date, Person.id))
        for household_id, relation, person in rows:
            if still_registered(person.status, person.status_date, rules.still_registered_on):
                members[household_id].append((person, relation))
    stays = {}
    if rules.exclude_institution:
        stays = institution_stays(rules.institution_day,
                                  [p.id for rows in members.values() for p, _r in rows])
    found = []
    for household in households:
        away = [(p, stays[p.id]) for p, _r in members[household.id] if p.id in stays]
        people = [(p, r) for p, r in members[household.id] if p.id not in stays]
        ids = {p.id for p, _r in people}
        facts = HouseholdFacts(
            size=len(people), in_institution=len(away),
            statuses=frozenset(statuses.get(household.id, ())),
            rounds=frozenset(set().union(on_round[1][household.id],
                                         *(on_round[0][i] for i in ids))),
            paid_rounds=frozenset(set().union(paid[1][household.id],
                                              *(paid[0][i] for i in ids))))
        assessment = assess_household(facts, rules)
        if only_included and not assessment.eligible and not (
                keep_away and assessment.reason == "in_institution"):
            continue
        head = next((p for p, _r in people if p.id == household.head_id),
                    people[0][0] if people else None)
        found.append(Candidate(household, head, people, facts, assessment, away))
    return found


def entry_rows(round_, rules, batch=0, household_ids=None):
    """gift_round_entries rows for the included households (head as payee)."""
    found = candidates(rules, household_ids)
    heads = [c.head.id for c in found]
    accounts = {a.person_id: a for a in db.session.scalars(sa.select(BankAccount).where(
        BankAccount.person_id.in_(heads or [0]), BankAccount.active.is_(True)))}
    codes = dict(db.session.execute(sa.select(Village.id, Village.code)).all())
    rows = []
    for c in found:
        head, household, account = c.head, c.household, accounts.get(c.head.id)
        rows.append({
            "round_id": round_.id, "batch": batch, "person_id": head.id,
            "token": f"{secrets.token_hex(2).upper()}{head.id:08X}",
            "name": head.name, "id_number": head.id_number, "birth_date": head.birth_date,
            "indigenous": head.indigenous, "village_id": household.village_id,
            "village_code": codes[household.village_id],
            "neighbourhood": household.neighbourhood,
            "address": household.address or head.address,
            "tier": c.assessment.tier.label,
            "amount": 0 if round_.pays_goods else c.assessment.amount,
            "quantity": c.assessment.amount if round_.pays_goods else None,
            "bank": account.bank if account and not round_.pays_goods else None,
            "bank_account": f"{account.branch_code}-{account.account_number}"
            if account and not round_.pays_goods else None,
            "hold_note": "", "household_id": household.id, "household_size": c.facts.size,
            "members": [{"person_id": p.id, "name": p.name, "relationship": r or ""}
                        for p, r in c.members],
        })
    return rows


def insert_entries(round_, rules, batch=0, household_ids=None):
    """Freeze the included households; returns how many were added."""
    rows = entry_rows(round_, rules, batch, household_ids)
    if rows:
        db.session.execute(sa.insert(RoundEntry), rows)
    return len(rows)
