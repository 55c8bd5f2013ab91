"""registry feeds: household moves, one household per head, non-overlapping low-income
periods (PostgreSQL exclusion constraint, btree_gist)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-05 06:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "household_moves",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("from_household_id", sa.Integer(), nullable=True),
        sa.Column("to_household_id", sa.Integer(), nullable=True),
        sa.Column("from_household_no", sa.String(length=20), nullable=False),
        sa.Column("to_household_no", sa.String(length=20), nullable=False),
        sa.Column("relationship_to_head", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("moved_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"],
                                name=op.f("fk_household_moves_person_id_people")),
        sa.ForeignKeyConstraint(["from_household_id"], ["households.id"], ondelete="SET NULL",
                                name=op.f("fk_household_moves_from_household_id_households")),
        sa.ForeignKeyConstraint(["to_household_id"], ["households.id"], ondelete="SET NULL",
                                name=op.f("fk_household_moves_to_household_id_households")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_moves")),
    )
    op.create_index(op.f("ix_household_moves_person_id"), "household_moves", ["person_id"])
    op.create_index("uq_households_head", "households", ["head_id"], unique=True,
                    postgresql_where=sa.text("head_id IS NOT NULL"),
                    sqlite_where=sa.text("head_id IS NOT NULL"))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
        op.execute(
            "ALTER TABLE low_income_statuses ADD CONSTRAINT low_income_statuses_no_overlap "
            "EXCLUDE USING gist (household_id WITH =, kind WITH =, "
            "daterange(certified_from, certified_until, '[]') WITH &&)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE low_income_statuses DROP CONSTRAINT "
                   "low_income_statuses_no_overlap")
    op.drop_index("uq_households_head", table_name="households")
    op.drop_index(op.f("ix_household_moves_person_id"), table_name="household_moves")
    op.drop_table("household_moves")
