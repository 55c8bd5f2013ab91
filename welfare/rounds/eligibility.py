"""The round's rules as SQL, so a freeze is one INSERT ... SELECT on the server.

Mirrors rules.assess; tests check both agree person by person."""

import sqlalchemy as sa

from welfare.geo.models import Village
from welfare.roster.models import (
    HouseholdMember,
    InstitutionStay,
    IsolatedElder,
    LowIncomeCategory,
    LowIncomeStatus,
    Person,
)
from welfare.rounds.models import BankAccount, Payout, RoundEntry
from welfare.rounds.rules import GROUPS, PAID_OUTCOMES, PersonFacts, cutoff_for, tier_birth_ranges


def programme_clauses(rules, code_of=None):
    """{programme: SQL condition true when the person is in it} on the reference day."""
    on = rules.still_registered_on or rules.reference_date

    def low_income(kind, code=None):
        query = (
            sa.select(1).select_from(HouseholdMember)
            .join(LowIncomeStatus, LowIncomeStatus.household_id == HouseholdMember.household_id)
            .where(HouseholdMember.person_id == Person.id, LowIncomeStatus.kind == kind,
                   LowIncomeStatus.certified_from <= on, LowIncomeStatus.certified_until >= on))
        if code:
            query = query.join(LowIncomeCategory,
                               LowIncomeCategory.id == LowIncomeStatus.category_id).where(
                LowIncomeCategory.code == code)
        return sa.exists(query)

    if code_of is not None:
        kind, code = code_of
        return low_income({"low_income": "low", "mid_low_income": "mid_low"}[kind], code)

    return {
        "low_income": low_income("low"),
        "mid_low_income": low_income("mid_low"),
        "isolated_elder": sa.exists(sa.select(1).where(
            IsolatedElder.person_id == Person.id, IsolatedElder.active.is_(True))),
    }


def status_clause(key, rules, clauses):
    """A status key ("low_income" or "low_income:CODE" for one 款別) as SQL."""
    programme, _sep, code = key.partition(":")
    if not code or programme == "isolated_elder":
        return clauses[programme]
    return programme_clauses(rules, (programme, code))


def _group_clause(groups):
    if set(GROUPS) <= set(groups):
        return sa.true()
    return Person.indigenous.is_(True) if "indigenous" in groups else Person.indigenous.is_(False)


def tier_columns(rules):
    """(label, amount) CASE expressions choosing each person's tier by birth date."""
    label_cases, amount_cases = [], []
    for tier, earliest, latest in tier_birth_ranges(rules):
        clause = sa.and_(_group_clause(tier.groups), Person.birth_date <= latest)
        if earliest is not None:
            clause = sa.and_(clause, Person.birth_date >= earliest)
        label_cases.append((clause, sa.literal(tier.label)))
        amount_cases.append((clause, sa.literal(tier.amount)))
    return sa.case(*label_cases, else_=None), sa.case(*amount_cases, else_=None)


def eligible_conditions(rules):
    """WHERE clauses for 'eligible under these rules' (tier chosen separately)."""
    general = rules.born_by["general"]
    indigenous = max(cutoff_for("indigenous", rules), general)
    conditions = [
        Person.merged_into_id.is_(None),
        sa.or_(Person.birth_date <= general,
               sa.and_(Person.indigenous.is_(True), Person.birth_date <= indigenous)),
    ]
    if rules.registered_by:
        conditions.append(sa.or_(Person.registered_on.is_(None),
                                 Person.registered_on <= rules.registered_by))
    if rules.still_registered_on:
        conditions.append(sa.or_(Person.status == "registered",
                                 Person.status_date > rules.still_registered_on))
    if rules.exclude_institution:
        conditions.append(sa.not_(institution_clause(rules.institution_day)))
    clauses = programme_clauses(rules)
    for programme in rules.exclude_programmes:
        conditions.append(sa.not_(clauses[programme]))
    if rules.include_statuses:
        conditions.append(sa.or_(*(status_clause(key, rules, clauses)
                                   for key in rules.include_statuses)))
    if rules.exclude_paid_rounds:
        conditions.append(sa.not_(sa.exists(
            sa.select(1).select_from(Payout).join(RoundEntry, RoundEntry.id == Payout.entry_id)
            .where(RoundEntry.person_id == Person.id,
                   Payout.round_id.in_(rules.exclude_paid_rounds),
                   Payout.reversed_at.is_(None), Payout.outcome.in_(PAID_OUTCOMES)))))
    if rules.exclude_rounds:
        conditions.append(sa.not_(sa.exists(sa.select(1).where(
            RoundEntry.person_id == Person.id, RoundEntry.round_id.in_(rules.exclude_rounds)))))
    return conditions


def institution_clause(on, person_id=Person.id):
    """True when the person is in an institution (機構安置) on the day."""
    return sa.exists(sa.select(1).where(
        InstitutionStay.person_id == person_id, InstitutionStay.started_on <= on,
        sa.or_(InstitutionStay.ended_on.is_(None), InstitutionStay.ended_on >= on)))


def token_expression(dialect):
    """12 characters: 4 random hex digits and the person id in hex (unique per round)."""
    if dialect == "postgresql":
        random_part = sa.func.substr(sa.func.md5(sa.cast(sa.func.random(), sa.Text)), 1, 4)
        return sa.func.upper(random_part.op("||")(sa.func.lpad(sa.func.to_hex(Person.id), 8, "0")))
    return sa.func.upper(sa.func.hex(sa.func.randomblob(2))).op("||")(
        sa.func.printf("%08X", Person.id))


def eligible_rows(round_, rules, dialect, batch=0, extra=()):
    """SELECT producing gift_round_entries rows for everyone eligible; a goods round's
    tiers give quantities, it pays no money and only at the counter (no bank columns)."""
    label, amount = tier_columns(rules)
    goods = round_.pays_goods
    bank = sa.null() if goods else BankAccount.bank
    account = sa.null() if goods else sa.case(
        (BankAccount.id.is_not(None), BankAccount.branch_code + "-" + BankAccount.account_number),
        else_=None)
    return (
        sa.select(
            sa.literal(round_.id), sa.literal(batch), Person.id, token_expression(dialect),
            Person.name, Person.id_number, Person.birth_date, Person.indigenous,
            Person.village_id, Village.code, Person.neighbourhood, Person.address,
            label, sa.literal(0) if goods else amount, amount if goods else sa.null(),
            bank, account, sa.literal(""),
        )
        .join(Village, Village.id == Person.village_id)
        .outerjoin(BankAccount, sa.and_(BankAccount.person_id == Person.id,
                                        BankAccount.active.is_(True)))
        .where(*eligible_conditions(rules), amount.is_not(None), *extra)
    )


ENTRY_COLUMNS = ("round_id", "batch", "person_id", "token", "name", "id_number", "birth_date",
                 "indigenous", "village_id", "village_code", "neighbourhood", "address", "tier",
                 "amount", "quantity", "bank", "bank_account", "hold_note")


def insert_entries(round_, rules, dialect, batch=0, extra=()):
    """INSERT ... SELECT the eligible rows into the frozen roster."""
    return sa.insert(RoundEntry).from_select(
        list(ENTRY_COLUMNS), eligible_rows(round_, rules, dialect, batch, extra))


def facts_of(person, rules, programmes=frozenset(), rounds=frozenset(), in_institution=False):
    """What rules.assess needs about a person."""
    return PersonFacts(in_institution=in_institution,
        birth_date=person.birth_date, indigenous=person.indigenous,
        registered_on=person.registered_on, status=person.status,
        status_date=person.status_date, programmes=frozenset(programmes),
        rounds=frozenset(rounds), merged=person.merged_into_id is not None)
