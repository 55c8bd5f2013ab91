"""emergency aid: payments reversed with a reason (at most one effective per case), bank
transfers waiting for the bank's result, and the programme's yearly limit per household

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-05 09:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

BANK_RESULT = ("(method = 'bank' AND bank_result IN ('pending', 'paid', 'failed'))"
               " OR (method != 'bank' AND bank_result IS NULL)")


def upgrade():
    op.create_table(
        "aid_programme",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_year_max", sa.Integer(), nullable=True),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_aid_programme_one_row")),
        sa.CheckConstraint("household_year_max IS NULL OR household_year_max > 0",
                           name=op.f("ck_aid_programme_household_year_max")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"],
                                name=op.f("fk_aid_programme_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_aid_programme")),
    )
    op.bulk_insert(sa.table("aid_programme", sa.column("id", sa.Integer)), [{"id": 1}])
    with op.batch_alter_table("aid_payments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bank_result", sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column("bank_result_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("reversed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("reversed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("reversal_reason", sa.String(length=200),
                                      server_default="", nullable=False))
        batch_op.create_foreign_key(batch_op.f("fk_aid_payments_reversed_by_id_users"),
                                    "users", ["reversed_by_id"], ["id"])
        batch_op.drop_constraint(batch_op.f("uq_aid_payments_case_id"), type_="unique")
    # Bank payments recorded before this counted as paid: keep them so.
    op.execute("UPDATE aid_payments SET bank_result = 'paid', bank_result_on = paid_on"
               " WHERE method = 'bank'")
    with op.batch_alter_table("aid_payments", schema=None) as batch_op:
        batch_op.alter_column("reversal_reason", server_default=None)
        batch_op.create_check_constraint(
            op.f("ck_aid_payments_reversal"),
            "reversed_at IS NULL OR (reversal_reason <> '' AND reversed_by_id IS NOT NULL)")
        batch_op.create_check_constraint(op.f("ck_aid_payments_bank_result"), BANK_RESULT)
        batch_op.create_check_constraint(
            op.f("ck_aid_payments_failed_reversed"),
            "bank_result IS NULL OR bank_result <> 'failed' OR reversed_at IS NOT NULL")
        batch_op.create_index("uq_aid_payments_effective", ["case_id"], unique=True,
                              sqlite_where=sa.text("reversed_at IS NULL"),
                              postgresql_where=sa.text("reversed_at IS NULL"))


def downgrade():
    op.execute("DELETE FROM aid_payments WHERE reversed_at IS NOT NULL")
    with op.batch_alter_table("aid_payments", schema=None) as batch_op:
        batch_op.drop_index("uq_aid_payments_effective")
        batch_op.drop_constraint(op.f("ck_aid_payments_failed_reversed"), type_="check")
        batch_op.drop_constraint(op.f("ck_aid_payments_bank_result"), type_="check")
        batch_op.drop_constraint(op.f("ck_aid_payments_reversal"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_aid_payments_reversed_by_id_users"),
                                 type_="foreignkey")
        batch_op.create_unique_constraint(batch_op.f("uq_aid_payments_case_id"), ["case_id"])
        batch_op.drop_column("reversal_reason")
        batch_op.drop_column("reversed_by_id")
        batch_op.drop_column("reversed_at")
        batch_op.drop_column("bank_result_on")
        batch_op.drop_column("bank_result")
    op.drop_table("aid_programme")
