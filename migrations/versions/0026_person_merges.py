"""person merges: what a merge of two people moved, so that an admin can undo it

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05 07:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "person_merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("flag_id", sa.Integer(), nullable=False),
        sa.Column("kept_id", sa.Integer(), nullable=False),
        sa.Column("merged_id", sa.Integer(), nullable=False),
        sa.Column("moves", sa.JSON(), nullable=False),
        sa.Column("merged_by_id", sa.Integer(), nullable=False),
        sa.Column("merged_at", sa.DateTime(), nullable=False),
        sa.Column("undone_by_id", sa.Integer(), nullable=True),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["flag_id"], ["duplicate_flags.id"],
                                name=op.f("fk_person_merges_flag_id_duplicate_flags")),
        sa.ForeignKeyConstraint(["kept_id"], ["people.id"],
                                name=op.f("fk_person_merges_kept_id_people")),
        sa.ForeignKeyConstraint(["merged_id"], ["people.id"],
                                name=op.f("fk_person_merges_merged_id_people")),
        sa.ForeignKeyConstraint(["merged_by_id"], ["users.id"],
                                name=op.f("fk_person_merges_merged_by_id_users")),
        sa.ForeignKeyConstraint(["undone_by_id"], ["users.id"],
                                name=op.f("fk_person_merges_undone_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_merges")),
    )
    op.create_index(op.f("ix_person_merges_kept_id"), "person_merges", ["kept_id"])
    live = sa.text("undone_at IS NULL")
    op.create_index("uq_person_merges_flag_live", "person_merges", ["flag_id"], unique=True,
                    postgresql_where=live, sqlite_where=live)
    op.create_index("uq_person_merges_merged_live", "person_merges", ["merged_id"], unique=True,
                    postgresql_where=live, sqlite_where=live)


def downgrade():
    op.drop_table("person_merges")
