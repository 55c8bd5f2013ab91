"""citizen inquiries and petitions, their topics with response deadlines in working days

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-04 18:42:42.376124

"""
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

TOPICS = [
    ("elder_gift", "敬老禮金", "Elder gift", 6),
    ("low_income", "低收入戶及中低收入戶", "Low-income status", 6),
    ("relief_goods", "物資發放", "Relief goods", 6),
    ("home_visits", "獨居長者關懷訪視", "Home visits to isolated elders", 6),
    ("emergency_aid", "急難救助", "Emergency aid", 3),
    ("petition", "陳情案件", "Petition", 6),
    ("other", "其他", "Other", 6),
]


def upgrade():
    op.create_table('inquiry_topics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('name_zh', sa.String(length=40), nullable=False),
    sa.Column('name_en', sa.String(length=80), nullable=False),
    sa.Column('due_working_days', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('due_working_days BETWEEN 1 AND 30', name=op.f('ck_inquiry_topics_due_days')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inquiry_topics')),
    sa.UniqueConstraint('code', name=op.f('uq_inquiry_topics_code'))
    )
    op.create_table('inquiries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('asker_name', sa.String(length=60), nullable=False),
    sa.Column('asker_contact', sa.String(length=100), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('village_id', sa.Integer(), nullable=True),
    sa.Column('topic_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('response', sa.Text(), nullable=False),
    sa.Column('responded_on', sa.Date(), nullable=True),
    sa.Column('satisfaction', sa.Integer(), nullable=True),
    sa.Column('reminded_at', sa.DateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("channel IN ('counter', 'phone', 'letter', 'mayor_mailbox', 'referral_1999', 'online')", name=op.f('ck_inquiries_channel')),
    sa.CheckConstraint("status = 'open' OR (response <> '' AND responded_on IS NOT NULL)", name=op.f('ck_inquiries_answered')),
    sa.CheckConstraint("status IN ('open', 'answered', 'closed')", name=op.f('ck_inquiries_status')),
    sa.CheckConstraint('due_on >= received_on', name=op.f('ck_inquiries_due')),
    sa.CheckConstraint('satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5', name=op.f('ck_inquiries_satisfaction')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_inquiries_created_by_id_users')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_inquiries_owner_id_users')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_inquiries_person_id_people')),
    sa.ForeignKeyConstraint(['topic_id'], ['inquiry_topics.id'], name=op.f('fk_inquiries_topic_id_inquiry_topics')),
    sa.ForeignKeyConstraint(['village_id'], ['villages.id'], name=op.f('fk_inquiries_village_id_villages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inquiries'))
    )
    with op.batch_alter_table('inquiries', schema=None) as batch_op:
        batch_op.create_index('ix_inquiries_open_due', ['status', 'due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_inquiries_owner_id'), ['owner_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inquiries_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inquiries_village_id'), ['village_id'], unique=False)
    # Deadlines are data (DOMAIN.md: 3-7 working days elsewhere, 30 at most); staff change them.
    topics = sa.table("inquiry_topics", sa.column("code", sa.String),
                      sa.column("name_zh", sa.String), sa.column("name_en", sa.String),
                      sa.column("due_working_days", sa.Integer), sa.column("active", sa.Boolean))
    op.bulk_insert(topics, [
        {"code": code, "name_zh": zh, "name_en": en, "due_working_days": days, "active": True}
        for code, zh, en, days in TOPICS])



def downgrade():

    with op.batch_alter_table('inquiries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inquiries_village_id'))
        batch_op.drop_index(batch_op.f('ix_inquiries_person_id'))
        batch_op.drop_index(batch_op.f('ix_inquiries_owner_id'))
        batch_op.drop_index('ix_inquiries_open_due')

    op.drop_table('inquiries')
    op.drop_table('inquiry_topics')
