"""stored data-quality counts: one row per village and check, written by a recount job

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-05 13:05:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "quality_counts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        sa.Column("check_key", sa.String(length=40), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("counted_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("count >= 0", name=op.f("ck_quality_counts_count")),
        sa.ForeignKeyConstraint(["village_id"], ["villages.id"], ondelete="CASCADE",
                                name=op.f("fk_quality_counts_village_id_villages")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_counts")),
        sa.UniqueConstraint("village_id", "check_key", name="uq_quality_counts_village_check"),
    )


def downgrade():
    op.drop_table("quality_counts")
