"""emergency aid (急難救助): causes with their limits, cases with a four-eyes decision, and
one payment per case

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-05 06:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None

# Kaohsiung's current amounts were not found (DOMAIN.md): these are defaults staff change.
CAUSES = [
    ("earner_death", "主要生計者死亡", "Death of the main earner", 10000),
    ("earner_illness", "主要生計者重病或意外", "Serious illness or accident of the main earner",
     6000),
    ("disaster", "災害（火災、風災、水災）", "Disaster (fire, storm, flood)", 10000),
    ("income_loss", "突發失業或收入中斷", "Sudden loss of income", 5000),
    ("other", "其他重大變故", "Other major upheaval", 5000),
]


def upgrade():
    op.create_table('aid_causes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('name_zh', sa.String(length=40), nullable=False),
    sa.Column('name_en', sa.String(length=80), nullable=False),
    sa.Column('max_amount', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.CheckConstraint('max_amount > 0', name=op.f('ck_aid_causes_max_amount')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aid_causes')),
    sa.UniqueConstraint('code', name=op.f('uq_aid_causes_code'))
    )
    op.create_table('aid_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('applicant_name', sa.String(length=60), nullable=False),
    sa.Column('applicant_id_number', sa.String(length=10), nullable=False),
    sa.Column('village_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=200), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=True),
    sa.Column('household_size', sa.Integer(), nullable=False),
    sa.Column('contact', sa.String(length=100), nullable=False),
    sa.Column('cause_id', sa.Integer(), nullable=False),
    sa.Column('what_happened', sa.Text(), nullable=False),
    sa.Column('happened_on', sa.Date(), nullable=False),
    sa.Column('applied_on', sa.Date(), nullable=False),
    sa.Column('documents_seen', sa.JSON(), nullable=False),
    sa.Column('referred_by', sa.String(length=20), nullable=False),
    sa.Column('referrer_name', sa.String(length=60), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('stated_income', sa.Integer(), nullable=True),
    sa.Column('stated_assets', sa.Integer(), nullable=True),
    sa.Column('visit_notes', sa.Text(), nullable=False),
    sa.Column('proposed_amount', sa.Integer(), nullable=True),
    sa.Column('assessed_by_id', sa.Integer(), nullable=True),
    sa.Column('assessed_at', sa.DateTime(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('approved_amount', sa.Integer(), nullable=True),
    sa.Column('refusal_reason', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("status IN ('applied', 'assessed', 'approved', 'refused', 'paid')", name=op.f('ck_aid_cases_status')),
    sa.CheckConstraint("referred_by IN ('village_chief', 'social_worker', 'self', 'other')", name=op.f('ck_aid_cases_referred_by')),
    sa.CheckConstraint('happened_on <= applied_on', name=op.f('ck_aid_cases_happened')),
    sa.CheckConstraint('household_size BETWEEN 1 AND 30', name=op.f('ck_aid_cases_household_size')),
    sa.CheckConstraint("status = 'applied' OR (assessed_by_id IS NOT NULL AND proposed_amount > 0)", name=op.f('ck_aid_cases_assessed')),
    sa.CheckConstraint('decided_by_id IS NULL OR (assessed_by_id IS NOT NULL AND decided_by_id <> assessed_by_id)', name=op.f('ck_aid_cases_four_eyes')),
    sa.CheckConstraint("status IN ('applied', 'assessed') OR (decided_by_id IS NOT NULL AND decided_on IS NOT NULL)", name=op.f('ck_aid_cases_decided')),
    sa.CheckConstraint("status <> 'refused' OR refusal_reason <> ''", name=op.f('ck_aid_cases_refusal')),
    sa.CheckConstraint("status NOT IN ('approved', 'paid') OR approved_amount > 0", name=op.f('ck_aid_cases_approved_amount')),
    sa.ForeignKeyConstraint(['assessed_by_id'], ['users.id'], name=op.f('fk_aid_cases_assessed_by_id_users')),
    sa.ForeignKeyConstraint(['cause_id'], ['aid_causes.id'], name=op.f('fk_aid_cases_cause_id_aid_causes')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_aid_cases_created_by_id_users')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_aid_cases_decided_by_id_users')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_aid_cases_household_id_households')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_aid_cases_person_id_people')),
    sa.ForeignKeyConstraint(['village_id'], ['villages.id'], name=op.f('fk_aid_cases_village_id_villages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aid_cases'))
    )
    with op.batch_alter_table('aid_cases', schema=None) as batch_op:
        batch_op.create_index('ix_aid_cases_status_applied', ['status', 'applied_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_aid_cases_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_aid_cases_village_id'), ['village_id'], unique=False)
    op.create_table('aid_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('method', sa.String(length=10), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('proxy_name', sa.String(length=60), nullable=False),
    sa.Column('proxy_id_number', sa.String(length=10), nullable=False),
    sa.Column('proxy_relationship', sa.String(length=30), nullable=False),
    sa.Column('bank', sa.String(length=30), nullable=False),
    sa.Column('account_number', sa.String(length=30), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("method IN ('counter', 'proxy', 'bank')", name=op.f('ck_aid_payments_method')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_aid_payments_amount')),
    sa.CheckConstraint("method <> 'proxy' OR (proxy_name <> '' AND proxy_id_number <> '' AND proxy_relationship <> '')", name=op.f('ck_aid_payments_proxy')),
    sa.CheckConstraint("method != 'bank' OR bank IN ('post_office', 'farmers_association') AND account_number != ''", name=op.f('ck_aid_payments_bank')),
    sa.ForeignKeyConstraint(['case_id'], ['aid_cases.id'], name=op.f('fk_aid_payments_case_id_aid_cases'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_aid_payments_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_aid_payments')),
    sa.UniqueConstraint('case_id', name=op.f('uq_aid_payments_case_id'))
    )
    causes = sa.table("aid_causes", sa.column("code", sa.String), sa.column("name_zh", sa.String),
                      sa.column("name_en", sa.String), sa.column("max_amount", sa.Integer),
                      sa.column("active", sa.Boolean))
    op.bulk_insert(causes, [
        {"code": code, "name_zh": zh, "name_en": en, "max_amount": limit, "active": True}
        for code, zh, en, limit in CAUSES])


def downgrade():
    op.drop_table('aid_payments')
    with op.batch_alter_table('aid_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_aid_cases_village_id'))
        batch_op.drop_index(batch_op.f('ix_aid_cases_person_id'))
        batch_op.drop_index('ix_aid_cases_status_applied')
    op.drop_table('aid_cases')
    op.drop_table('aid_causes')
