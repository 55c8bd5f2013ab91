"""address substring search through trigram indexes on PostgreSQL (pg_trgm)

Revision ID: 0020
Revises: 0015
Create Date: 2026-12-04 19:00:00

"""
from alembic import op

revision = "0020"
down_revision = "0015"
branch_labels = None
depends_on = None

INDEXES = (("ix_people_address_trgm", "people"), ("ix_households_address_trgm", "households"))


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite keeps scanning: a district's people fit in memory
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table in INDEXES:
        op.create_index(name, table, ["address"], postgresql_using="gin",
                        postgresql_ops={"address": "gin_trgm_ops"})


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, table in INDEXES:
        op.drop_index(name, table_name=table)
