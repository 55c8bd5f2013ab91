"""household rounds: a round's unit, one entry per household with its members

Revision ID: 0022
Revises: 0020
Create Date: 2026-12-05 06:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("gift_rounds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unit", sa.String(length=20), server_default="person",
                                      nullable=False))
        batch_op.create_check_constraint(op.f("ck_gift_rounds_unit"),
                                         "unit IN ('person', 'household')")
    with op.batch_alter_table("gift_round_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("household_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("household_size", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("members", sa.JSON(), nullable=True))
        batch_op.create_unique_constraint("uq_gift_round_entries_household",
                                          ["round_id", "household_id"])
        batch_op.create_check_constraint(op.f("ck_gift_round_entries_household_size"),
                                         "household_id IS NULL OR household_size >= 1")


def downgrade():
    with op.batch_alter_table("gift_round_entries", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_gift_round_entries_household_size"), type_="check")
        batch_op.drop_constraint("uq_gift_round_entries_household", type_="unique")
        batch_op.drop_column("members")
        batch_op.drop_column("household_size")
        batch_op.drop_column("household_id")
    with op.batch_alter_table("gift_rounds", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_gift_rounds_unit"), type_="check")
        batch_op.drop_column("unit")
