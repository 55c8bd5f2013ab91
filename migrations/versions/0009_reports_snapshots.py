"""stored roster counts for the statistics dashboard

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-27 21:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def _cells(name, *columns):
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("snapshot_id", sa.Integer(), nullable=False),
        sa.Column("village_id", sa.Integer(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(["snapshot_id"], ["report_snapshots.id"],
                                name=op.f(f"fk_{name}_snapshot_id_report_snapshots"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
    )
    with op.batch_alter_table(name, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f"ix_{name}_snapshot_id"), ["snapshot_id"],
                              unique=False)


def upgrade():
    op.create_table(
        "report_snapshots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("counted_at", sa.DateTime(), nullable=False),
        sa.Column("audit_id", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("people", sa.Integer(), nullable=False),
        sa.Column("recount_requested_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_snapshots")),
        sa.UniqueConstraint("as_of", name=op.f("uq_report_snapshots_as_of")),
    )
    _cells("report_people_counts",
           sa.Column("band", sa.String(length=10), nullable=False),
           sa.Column("sex", sa.String(length=1), nullable=False),
           sa.Column("kind", sa.String(length=10), nullable=True),
           sa.Column("care_level", sa.Integer(), nullable=True),
           sa.Column("people", sa.Integer(), nullable=False))
    _cells("report_household_counts",
           sa.Column("kind", sa.String(length=10), nullable=False),
           sa.Column("households", sa.Integer(), nullable=False))
    _cells("report_elders",
           sa.Column("elder_id", sa.Integer(), nullable=False),
           sa.Column("care_level", sa.Integer(), nullable=False))


def downgrade():
    op.drop_table("report_elders")
    op.drop_table("report_household_counts")
    op.drop_table("report_people_counts")
    op.drop_table("report_snapshots")
