"""people: byte-wise collation for searched columns, name indexes

On PostgreSQL the searched columns compare byte by byte (collation "C") so that plain
indexes answer prefix searches and give the name order; SQLite already compares so.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 19:15:14.063027

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

LIVE = sa.text("merged_into_id IS NULL")
SEARCHED = (("id_number", 10), ("name", 60), ("phone", 30), ("mobile", 30))


def _set_collation(collation):
    if op.get_bind().dialect.name != "postgresql":
        return
    for column, length in SEARCHED:
        op.alter_column("people", column, type_=sa.String(length, collation=collation),
                        existing_nullable=False)


def upgrade():
    _set_collation("C")
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_people_name'))
        batch_op.create_index('ix_people_name', ['name', 'id'], unique=False,
                              postgresql_where=LIVE, sqlite_where=LIVE)
        batch_op.create_index('ix_people_village_name', ['village_id', 'name', 'id'],
                              unique=False, postgresql_where=LIVE, sqlite_where=LIVE)


def downgrade():
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_index('ix_people_village_name')
        batch_op.drop_index('ix_people_name')
        batch_op.create_index('ix_people_name', ['name'], unique=False,
                              postgresql_ops={'name': 'varchar_pattern_ops'})
    _set_collation(None)
