"""Demo rounds: this year's Double Ninth round frozen, approved and partly paid out,
a draft Spring Festival round for next year, the year-end household round (frozen and
approved) and a goods round (rice for low-income households, frozen). Bulk writes, so
15,000 people stay fast."""

from dataclasses import replace
from datetime import date, timedelta

import sqlalchemy as sa

from welfare.auth import audit
from welfare.auth.models import utcnow
from welfare.core import idno
from welfare.extensions import db
from welfare.roster.models import InstitutionStay, Person
from welfare.rounds import services
from welfare.rounds.models import BankAccount, Payout, RoundEntry

RELATIONS = ("子", "女", "媳", "孫", "配偶", "外籍看護", "里長")


def seed(ctx):
    """Double Ninth (approved, some payouts) and Spring Festival (draft)."""
    staff, supervisor = ctx.users["staff"], ctx.users["supervisor"]
    _bank_accounts(ctx)
    year = ctx.today.year
    data = services.new_round_data("double_ninth", year)
    # Open the window by today, so the demo counter works whatever the date.
    data["payout_start"] = min(data["payout_start"], ctx.today - timedelta(days=14))
    data["name"] = f"{year - 1911}年重陽敬老禮金"
    round_ = services.create_round(data, actor=staff)
    people, amount = services.freeze_round(round_, actor=staff)
    services.approve_round(round_, actor=supervisor)
    paid = _payouts(ctx, round_, staff)
    spring = services.new_round_data("spring", year + 1)
    spring["name"] = f"{year + 1 - 1911}年春節敬老禮金"
    services.create_round(spring, actor=staff)
    ctx.echo(f"  rounds: {people} frozen (NT${amount:,}), {paid} outcomes recorded")
    households, total = _year_end_round(ctx, staff, supervisor)
    ctx.echo(f"  household round: {households} households frozen (NT${total:,})")
    stays = _institution_stays(ctx, staff)
    households, bags = _goods_round(ctx, staff)
    ctx.echo(f"  goods round: {households} households frozen (米 {bags:,} 包), "
             f"{stays} institution stays")


INSTITUTIONS = ("高雄市立仁愛之家", "林園老人長期照顧中心", "鳳山護理之家")


def _institution_stays(ctx, staff):
    """A few members of low-income households live in a care institution (機構安置)."""
    from welfare.rounds.households import candidates

    rules = replace(services.new_round_data("other", ctx.today.year)["rules"],
                    include_statuses=("low_income",), household_amount={"base": 1})
    found = [c for c in candidates(rules) if c.facts.size >= 2][:6]
    rows = [{"person_id": c.members[-1][0].id, "institution": INSTITUTIONS[i % 3],
             "started_on": ctx.today - timedelta(days=400 + 37 * i), "source": "demo",
             "created_by_id": staff.id, "created_at": utcnow()}
            for i, c in enumerate(found)]
    if rows:
        db.session.execute(sa.insert(InstitutionStay), rows)
    return len(rows)


def _goods_round(ctx, staff):
    """116年春節關懷白米: 米 2 包 for each 低收入戶 household (1 包 for 中低收入戶), members
    in an institution not counted; frozen, waiting for a supervisor's approval."""
    year = ctx.today.year + 1
    data = services.new_round_data("spring", year)
    data["rules"] = replace(data["rules"], include_statuses=("low_income", "mid_low_income"),
                            status_amounts={"low_income": 2, "mid_low_income": 1},
                            exclude_institution=True)
    data["payout_start"] = min(data["payout_start"], ctx.today - timedelta(days=7))
    data.update(name=f"{year - 1911}年春節關懷白米", unit="household", kind="goods",
                goods_name="米", goods_unit="包",
                notes="低收入戶每戶白米 2 包、中低收入戶每戶 1 包，於發放櫃台領取。")
    round_ = services.create_round(data, actor=staff)
    return services.freeze_round(round_, actor=staff)


# 歲末送溫情: the base plus an amount per member, members counted up to five.
YEAR_END_AMOUNTS = {"base": 2000, "per_member": 1000, "max_members": 5}


def _year_end_round(ctx, staff, supervisor):
    """115年歲末送溫情慰問金: 低收入戶 and 中低收入戶, by household size; frozen, approved."""
    year = ctx.today.year
    data = services.new_round_data("other", year)
    data["rules"] = replace(data["rules"], include_statuses=("low_income", "mid_low_income"),
                            household_amount=YEAR_END_AMOUNTS)
    data["payout_start"] = min(date(year, 12, 1), ctx.today - timedelta(days=7))
    data["payout_end"] = max(date(year, 12, 31), ctx.today + timedelta(days=30))
    data["late_claim_end"] = data["payout_end"] + timedelta(days=31)
    data.update(name=f"{year - 1911}年歲末送溫情慰問金", unit="household",
                notes="林園有愛歲末送溫情：低收入戶及中低收入戶，依戶內人口數發給。")
    round_ = services.create_round(data, actor=staff)
    households, total = services.freeze_round(round_, actor=staff)
    services.approve_round(round_, actor=supervisor)
    return households, total


def _bank_accounts(ctx):
    """About one elder in six has a post office or farmers' association account on file."""
    cutoff = ctx.today.replace(year=ctx.today.year - 64, month=1, day=1)
    elders = db.session.execute(sa.select(Person.id, Person.name).where(
        Person.birth_date < cutoff, Person.status == "registered")).all()
    rows = []
    for person_id, name in elders:
        if ctx.rng.random() < 0.16:
            bank = "post_office" if ctx.rng.random() < 0.7 else "farmers_association"
            branch = "0081234" if bank == "post_office" else "6190019"
            rows.append({"person_id": person_id, "bank": bank, "branch_code": branch,
                         "account_number": f"{ctx.rng.randrange(10**13):014d}",
                         "holder_name": name, "active": True})
    if rows:
        db.session.execute(sa.insert(BankAccount), rows)


def _payouts(ctx, round_, clerk):
    """Bank transfers for accounts on file; about half the rest paid, a few 未遇."""
    entries = db.session.execute(sa.select(RoundEntry.id, RoundEntry.amount, RoundEntry.bank,
                                           RoundEntry.id_number, RoundEntry.person_id)
                                 .where(RoundEntry.round_id == round_.id)
                                 .order_by(RoundEntry.id)).all()
    dead = set(db.session.scalars(sa.select(Person.id).where(Person.status != "registered")))
    start = round_.payout_start
    days = max(1, min((ctx.today - start).days, 30))
    now = utcnow()
    rows = []
    for entry_id, amount, bank, id_number, person_id in entries:
        if person_id in dead:
            continue
        roll = ctx.rng.random()
        base = {"round_id": round_.id, "entry_id": entry_id, "recorded_by_id": clerk.id,
                "recorded_at": now, "paid_on": start + timedelta(days=ctx.rng.randrange(days)),
                "source": "demo", "late_claim": False, "note": "", "proxy_name": "",
                "proxy_id_number": "", "proxy_relationship": "", "seal_checked": True,
                "reversal_reason": ""}
        if bank and roll < 0.9:
            rows.append(base | {"outcome": "bank", "amount": amount})
        elif bank:
            continue
        elif roll < 0.40:
            rows.append(base | {"outcome": "elder", "amount": amount})
        elif roll < 0.50:
            proxy_id = idno.generate(rng=ctx.rng, sex=ctx.rng.choice("MF"))
            while proxy_id == id_number:
                proxy_id = idno.generate(rng=ctx.rng)
            rows.append(base | {"outcome": "proxy", "amount": amount,
                                "proxy_name": "代領人" + str(entry_id % 97),
                                "proxy_id_number": proxy_id,
                                "proxy_relationship": ctx.rng.choice(RELATIONS)})
        elif roll < 0.53:
            rows.append(base | {"outcome": "not_found", "amount": 0, "seal_checked": False,
                                "note": "三次到府未遇"})
    if rows:
        db.session.execute(sa.insert(Payout), rows)
    audit.record("seed_demo", actor=clerk, entity=round_, summary=f"{len(rows)} demo outcomes")
    return len(rows)
