"""jobs keep a heartbeat, their process and what to run again

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 18:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.add_column(sa.Column("func_path", sa.String(200), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("args", sa.Text(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("attempt", sa.Integer(), nullable=False,
                                      server_default="1"))
        batch_op.add_column(sa.Column("worker", sa.String(120), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("heartbeat_at", sa.DateTime(), nullable=True))
        batch_op.create_index("ix_jobs_status", ["status"], unique=False)


def downgrade():
    with op.batch_alter_table("jobs") as batch_op:
        batch_op.drop_index("ix_jobs_status")
        for column in ("heartbeat_at", "worker", "attempt", "args", "func_path"):
            batch_op.drop_column(column)
