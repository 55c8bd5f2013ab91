"""Demo emergency-aid cases in every state: new and overdue applications, one waiting for a
decision, approved, refused, and paid at the counter, by a proxy and by bank transfer."""

from datetime import timedelta

import sqlalchemy as sa

from welfare.aid import rules
from welfare.aid.models import AidBankBatch, AidCase, AidCause, AidPayment
from welfare.auth import holidays as office_calendar
from welfare.auth.models import utcnow
from welfare.extensions import db
from welfare.roster.models import HouseholdMember, Person

STORIES = {
    "earner_death": "先生（家中主要收入者）因心肌梗塞過世，喪葬費無力負擔。",
    "earner_illness": "主要生計者騎機車發生車禍住院，無法工作，醫療費用沉重。",
    "disaster": "住家因颱風淹水，家具電器全毀。",
    "income_loss": "工廠歇業，夫妻同時失業，房租與孩子學費繳不出來。",
    "other": "家中遭竊，生活費全數被偷。",
}
# (status, days ago applied, cause, method of payment)
CASES = [
    ("applied", 1, "income_loss", None), ("applied", 12, "earner_illness", None),
    ("assessed", 4, "disaster", None), ("approved", 6, "earner_death", None),
    ("refused", 20, "other", None), ("paid", 30, "earner_death", "counter"),
    ("paid", 25, "earner_illness", "proxy"), ("paid", 40, "disaster", "bank"),
]


def ensure_causes():
    if db.session.scalar(sa.select(sa.func.count(AidCause.id))):
        return
    db.session.add_all(AidCause(code=c, name_zh=zh, name_en=en, max_amount=m)
                       for c, zh, en, m in rules.DEFAULT_CAUSES)
    db.session.flush()


def seed(ctx):
    ensure_causes()
    office_calendar.seed()  # a database made by create_all, not the migrations, has none
    causes = {c.code: c for c in db.session.scalars(sa.select(AidCause))}
    people = db.session.execute(
        sa.select(Person, HouseholdMember.household_id)
        .outerjoin(HouseholdMember, HouseholdMember.person_id == Person.id)
        .where(Person.status == "registered").order_by(Person.id).limit(200)).all()
    staff, supervisor = ctx.users["staff"], ctx.users["supervisor"]
    # The demo's transfers went in one bank batch, sent and reconciled.
    sent = AidBankBatch(bank="post_office", created_by_id=staff.id, reconciled_at=utcnow())
    picked = ctx.rng.sample(people, min(len(CASES), len(people)))
    for (status, ago, code, method), (person, household_id) in zip(CASES, picked, strict=False):
        cause, applied = causes[code], ctx.today - timedelta(days=ago)
        proposed = min(cause.max_amount, 5000)
        case = AidCase(
            person_id=person.id, applicant_name=person.name,
            applicant_id_number=person.id_number, village_id=person.village_id,
            address=person.address, household_id=household_id,
            household_size=ctx.rng.randint(1, 5), contact=person.mobile or person.phone,
            cause_id=cause.id, what_happened=STORIES[code],
            happened_on=applied - timedelta(days=ctx.rng.randint(0, 10)), applied_on=applied,
            documents_seen=["id_card", "household_register"],
            referred_by=ctx.rng.choice(("village_chief", "social_worker", "self")),
            referrer_name=ctx.rng.choice(("王里長", "社工 林美玲", "")),
            status=status, created_by_id=staff.id)
        if status != "applied":
            case.stated_income, case.stated_assets = 18000, 30000
            case.visit_notes, case.proposed_amount = "已家訪，情況屬實。", proposed
            case.assessed_by_id, case.assessed_at = staff.id, utcnow()
        if status in ("approved", "refused", "paid"):
            case.decided_by_id = supervisor.id
            case.decided_on = min(ctx.today, applied + timedelta(days=3))
            if status == "refused":
                case.refusal_reason = "家庭存款超過救助標準。"
            else:
                case.approved_amount = proposed
        db.session.add(case)
        db.session.flush()
        if method:
            db.session.add(AidPayment(
                case_id=case.id, method=method, amount=proposed,
                paid_on=min(ctx.today, case.decided_on + timedelta(days=2)),
                proxy_name="陳小明" if method == "proxy" else "",
                proxy_id_number="A123456789" if method == "proxy" else "",
                proxy_relationship="子" if method == "proxy" else "",
                bank="post_office" if method == "bank" else "",
                account_number="00012340012345" if method == "bank" else "",
                bank_result="paid" if method == "bank" else None, recorded_by_id=staff.id,
                batch=sent if method == "bank" else None))
    db.session.flush()
    ctx.echo(f"  aid: {min(len(CASES), len(people))} emergency-aid cases")
