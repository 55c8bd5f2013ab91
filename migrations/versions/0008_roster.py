"""people search indexes carry the birth date

On PostgreSQL the two partial search indexes include birth_date, so that the capped
counts of an age or 65+ search stay index-only. SQLite has no INCLUDE: nothing to do.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 20:05:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

LIVE = sa.text("merged_into_id IS NULL")
INDEXES = (("ix_people_name", ["name", "id"]),
           ("ix_people_village_name", ["village_id", "name", "id"]))


def _rebuild(include):
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, columns in INDEXES:
        op.drop_index(name, table_name="people")
        op.create_index(name, "people", columns, postgresql_where=LIVE,
                        postgresql_include=include)


def upgrade():
    _rebuild(["birth_date"])


def downgrade():
    _rebuild([])
