"""audit rows carry the village of the person they are about (scopes the audit log)

Revision ID: 0012
Revises: 0009
Create Date: 2026-12-04 16:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, not a batch copy: audit_log's triggers refuse updates and deletes, and
    # a table rebuild on SQLite would drop them. Old rows keep NULL (seen by unrestricted
    # staff only when they are about a person).
    op.add_column("audit_log", sa.Column("village_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_audit_log_village_id"), "audit_log", ["village_id"], unique=False)


def downgrade():
    op.drop_index(op.f("ix_audit_log_village_id"), table_name="audit_log")
    with op.batch_alter_table("audit_log", recreate="never") as batch_op:
        batch_op.drop_column("village_id")
