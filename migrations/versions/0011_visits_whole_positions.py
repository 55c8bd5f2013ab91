"""visits: a position is both latitude and longitude or neither

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-04 16:00:00

Visits stored with half a position (the API took lat without lng) lose it: both become
NULL. Then a CHECK constraint keeps it from happening again.
"""
import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

WHOLE = "(lat IS NULL) = (lng IS NULL)"


def upgrade():
    visits = sa.table("visits", sa.column("lat", sa.Float), sa.column("lng", sa.Float))
    op.execute(visits.update().where(sa.or_(
        sa.and_(visits.c.lat.is_(None), visits.c.lng.is_not(None)),
        sa.and_(visits.c.lat.is_not(None), visits.c.lng.is_(None)),
    )).values(lat=None, lng=None))
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.create_check_constraint(op.f("ck_visits_position_whole"), WHOLE)


def downgrade():
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_visits_position_whole"), type_="check")
