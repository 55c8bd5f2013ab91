"""emergency aid: reversal four eyes and money to recover, bank batches; the office's holidays
as data (seeded with the 2026 government office calendar)

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-05 13:20:00

"""
from datetime import date, datetime

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

# 行政院人事行政總處「中華民國115年政府行政機關辦公日曆表」(院授人培字第11430248312號函): the
# weekdays off. A copy, not an import: a migration must not change when the code does.
CALENDAR_2026 = (
    ("2026-01-01", "開國紀念日"),
    ("2026-02-16", "農曆除夕"), ("2026-02-17", "春節"), ("2026-02-18", "春節"),
    ("2026-02-19", "春節"), ("2026-02-20", "除夕前一日補假"),
    ("2026-02-27", "和平紀念日補假"), ("2026-04-03", "兒童節補假"),
    ("2026-04-06", "清明節補假"), ("2026-05-01", "勞動節"), ("2026-06-19", "端午節"),
    ("2026-09-25", "中秋節"), ("2026-09-28", "孔子誕辰紀念日／教師節"),
    ("2026-10-09", "國慶日補假"), ("2026-10-26", "臺灣光復暨金門古寧頭大捷紀念日補假"),
    ("2026-12-25", "行憲紀念日"),
)


def upgrade():
    holidays = op.create_table(
        "office_holidays",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_office_holidays_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_office_holidays")),
        sa.UniqueConstraint("day", name=op.f("uq_office_holidays_day")),
    )
    op.bulk_insert(holidays, [{"day": date.fromisoformat(d), "name": n,
                               "created_at": datetime(2026, 12, 5, 5, 20)}
                              for d, n in CALENDAR_2026])
    op.create_table(
        "aid_bank_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bank", sa.String(length=30), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("reconciled_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("bank IN ('post_office', 'farmers_association')",
                           name=op.f("ck_aid_bank_batches_bank")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_aid_bank_batches_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aid_bank_batches")),
    )
    with op.batch_alter_table("aid_payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("batch_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("to_recover", sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column("recovered_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("recovered_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("recovery_note", sa.String(length=200),
                                      server_default="", nullable=False))
        batch_op.create_index(batch_op.f("ix_aid_payments_batch_id"), ["batch_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_aid_payments_batch_id_aid_bank_batches"),
                                    "aid_bank_batches", ["batch_id"], ["id"])
        batch_op.create_foreign_key(batch_op.f("fk_aid_payments_recovered_by_id_users"),
                                    "users", ["recovered_by_id"], ["id"])
    # Only supervisors reversed and only clerks recorded, so earlier rows keep the four-eyes
    # rule unless an account changed role; such a row stops the upgrade, to be looked at.
    with op.batch_alter_table("aid_payments", schema=None) as batch_op:
        batch_op.alter_column("recovery_note", server_default=None)
        batch_op.create_check_constraint(
            op.f("ck_aid_payments_reversal_four_eyes"),
            "reversed_by_id IS NULL OR reversed_by_id <> recorded_by_id"
            " OR COALESCE(bank_result, '') = 'failed'")
        batch_op.create_check_constraint(
            op.f("ck_aid_payments_recovery"),
            "NOT to_recover OR (reversed_at IS NOT NULL AND (bank_result IS NULL"
            " OR bank_result = 'paid'))")
        batch_op.create_check_constraint(
            op.f("ck_aid_payments_recovered"),
            "recovered_on IS NULL OR (to_recover AND recovered_by_id IS NOT NULL)")
        batch_op.create_check_constraint(op.f("ck_aid_payments_batch"),
                                         "batch_id IS NULL OR method = 'bank'")


def downgrade():
    with op.batch_alter_table("aid_payments", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_aid_payments_batch"), type_="check")
        batch_op.drop_constraint(op.f("ck_aid_payments_recovered"), type_="check")
        batch_op.drop_constraint(op.f("ck_aid_payments_recovery"), type_="check")
        batch_op.drop_constraint(op.f("ck_aid_payments_reversal_four_eyes"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_aid_payments_recovered_by_id_users"),
                                 type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_aid_payments_batch_id_aid_bank_batches"),
                                 type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_aid_payments_batch_id"))
        batch_op.drop_column("recovery_note")
        batch_op.drop_column("recovered_by_id")
        batch_op.drop_column("recovered_on")
        batch_op.drop_column("to_recover")
        batch_op.drop_column("batch_id")
    op.drop_table("aid_bank_batches")
    op.drop_table("office_holidays")
