"""Demo inquiries: a few months of questions by phone, at the counter and through the
mayor's mailbox, most answered, some open and a few overdue."""

from datetime import timedelta

import sqlalchemy as sa

from welfare.extensions import db
from welfare.inquiries import rules
from welfare.inquiries.models import Inquiry, InquiryTopic
from welfare.roster.models import Person

# The same topics the migration seeds (a database built from the models has none).
DEFAULT_TOPICS = [
    ("elder_gift", "敬老禮金", "Elder gift", 6),
    ("low_income", "低收入戶及中低收入戶", "Low-income status", 6),
    ("relief_goods", "物資發放", "Relief goods", 6),
    ("home_visits", "獨居長者關懷訪視", "Home visits to isolated elders", 6),
    ("emergency_aid", "急難救助", "Emergency aid", 3),
    ("petition", "陳情案件", "Petition", 6),
    ("other", "其他", "Other", 6),
]
QUESTIONS = {
    "elder_gift": ("媽媽的重陽禮金領了嗎？", "代領需要帶什麼證件？", "禮金為什麼還沒入帳？"),
    "low_income": ("低收入戶資格何時到期？", "想申請中低收入戶，要準備什麼？"),
    "relief_goods": ("歲末物資什麼時候送？", "物資送到時家裡沒人怎麼辦？"),
    "home_visits": ("隔壁獨居阿伯好幾天沒出門", "希望志工每週來看爸爸"),
    "emergency_aid": ("家人住院，醫療費付不出來",),
    "petition": ("里內路燈不亮，長輩晚上不敢出門", "希望關懷據點增加送餐"),
    "other": ("請問區公所社會課的上班時間",),
}
ANSWERS = ("已電話回覆並說明辦理方式。", "已查明並請里幹事協助。", "已轉請相關單位處理並回覆民眾。")
DEMO_INQUIRIES = 60
HISTORY_DAYS = 120


def ensure_topics():
    if db.session.scalar(sa.select(sa.func.count(InquiryTopic.id))):
        return
    db.session.add_all(InquiryTopic(code=c, name_zh=zh, name_en=en, due_working_days=d)
                       for c, zh, en, d in DEFAULT_TOPICS)
    db.session.flush()


def seed(ctx):
    ensure_topics()
    topics = db.session.scalars(sa.select(InquiryTopic).order_by(InquiryTopic.id)).all()
    people = db.session.execute(sa.select(Person.id, Person.village_id).where(
        Person.birth_date <= ctx.today.replace(year=ctx.today.year - 65))
        .order_by(Person.id).limit(400)).all()
    owners = [ctx.users["staff"], ctx.users["supervisor"]]
    for n in range(DEMO_INQUIRIES):
        topic = ctx.rng.choice(topics)
        received = ctx.today - timedelta(days=ctx.rng.randint(0, HISTORY_DAYS))
        person = ctx.rng.choice(people) if people and ctx.rng.random() < 0.7 else None
        due = rules.add_working_days(received, topic.due_working_days)
        answered = due < ctx.today and ctx.rng.random() < 0.85 or ctx.rng.random() < 0.3
        responded = min(ctx.today, received + timedelta(days=ctx.rng.randint(0, 10)))
        db.session.add(Inquiry(
            channel=ctx.rng.choice(rules.CHANNELS), topic_id=topic.id,
            asker_name=ctx.rng.choice(("陳小姐", "林先生", "黃太太", "里長", "")),
            asker_contact=f"09{ctx.rng.randint(10000000, 99999999)}",
            person_id=person.id if person else None,
            village_id=person.village_id if person else None,
            text=ctx.rng.choice(QUESTIONS.get(topic.code, QUESTIONS["other"])),
            owner_id=owners[n % 2].id, received_on=received, due_on=due,
            status="answered" if answered else "open",
            response=ctx.rng.choice(ANSWERS) if answered else "",
            responded_on=responded if answered else None,
            satisfaction=ctx.rng.choice((None, 3, 4, 5, 5)) if answered else None,
            created_by_id=owners[0].id))
    db.session.flush()
    ctx.echo(f"  inquiries: {DEMO_INQUIRIES} inquiries")
