"""goods rounds and institution stays: a round pays cash or goods (a name, a unit and a
quantity per entry), and a person's stays in a care institution (機構安置)

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-05 12:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None

# Rebuilding gift_round_entries on SQLite drops its triggers (migration 0023): put them back.
PAID = "'elder', 'proxy', 'bank'"
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER IF NOT EXISTS gift_payouts_not_held BEFORE INSERT ON gift_payouts
       WHEN NEW.outcome IN ({PAID}) AND NEW.reversed_at IS NULL AND (
         SELECT hold FROM gift_round_entries WHERE id = NEW.entry_id) IS NOT NULL
       BEGIN SELECT RAISE(ABORT, 'gift_payouts_not_held: the entry is held'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS gift_round_entries_hold_unpaid
       BEFORE UPDATE OF hold ON gift_round_entries
       WHEN NEW.hold IS NOT NULL AND OLD.hold IS NULL AND EXISTS (
         SELECT 1 FROM gift_payouts WHERE entry_id = NEW.id
         AND reversed_at IS NULL AND outcome IN ({PAID}))
       BEGIN SELECT RAISE(IGNORE); END""",
]
SQLITE_DROP = ["DROP TRIGGER IF EXISTS gift_payouts_not_held",
               "DROP TRIGGER IF EXISTS gift_round_entries_hold_unpaid"]
GOODS = ("(kind = 'goods' AND goods_name <> '' AND goods_unit <> '')"
         " OR (kind = 'cash' AND goods_name = '' AND goods_unit = '')")
PAYMENT = ("(quantity IS NULL AND amount > 0)"
           " OR (quantity IS NOT NULL AND quantity >= 1 AND amount = 0)")


def _sqlite(statements):
    if op.get_bind().dialect.name == "sqlite":
        for statement in statements:
            op.execute(statement)


def upgrade():
    with op.batch_alter_table("gift_rounds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("kind", sa.String(length=10), server_default="cash",
                                      nullable=False))
        batch_op.add_column(sa.Column("goods_name", sa.String(length=60), server_default="",
                                      nullable=False))
        batch_op.add_column(sa.Column("goods_unit", sa.String(length=10), server_default="",
                                      nullable=False))
        batch_op.create_check_constraint(op.f("ck_gift_rounds_kind"),
                                         "kind IN ('cash', 'goods')")
        batch_op.create_check_constraint(op.f("ck_gift_rounds_goods"), GOODS)
    _sqlite(SQLITE_DROP)
    with op.batch_alter_table("gift_round_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quantity", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(op.f("ck_gift_round_entries_payment"), PAYMENT)
    _sqlite(SQLITE_TRIGGERS)
    op.create_table(
        "institution_stays",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("institution", sa.String(length=100), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("ended_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("institution <> ''", name=op.f("ck_institution_stays_institution")),
        sa.CheckConstraint("ended_on IS NULL OR ended_on >= started_on",
                           name=op.f("ck_institution_stays_period")),
        sa.CheckConstraint("(ended_on IS NULL) = (ended_by_id IS NULL)",
                           name=op.f("ck_institution_stays_ended_by")),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"],
                                name=op.f("fk_institution_stays_created_by_id_users")),
        sa.ForeignKeyConstraint(["ended_by_id"], ["users.id"],
                                name=op.f("fk_institution_stays_ended_by_id_users")),
        sa.ForeignKeyConstraint(["person_id"], ["people.id"],
                                name=op.f("fk_institution_stays_person_id_people")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_institution_stays")),
    )
    with op.batch_alter_table("institution_stays", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_institution_stays_person_id"), ["person_id"],
                              unique=False)
        batch_op.create_index("uq_institution_stays_open", ["person_id"], unique=True,
                              postgresql_where=sa.text("ended_on IS NULL"),
                              sqlite_where=sa.text("ended_on IS NULL"))


def downgrade():
    with op.batch_alter_table("institution_stays", schema=None) as batch_op:
        batch_op.drop_index("uq_institution_stays_open", postgresql_where=sa.text(
            "ended_on IS NULL"), sqlite_where=sa.text("ended_on IS NULL"))
        batch_op.drop_index(batch_op.f("ix_institution_stays_person_id"))
    op.drop_table("institution_stays")
    _sqlite(SQLITE_DROP)
    with op.batch_alter_table("gift_round_entries", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_gift_round_entries_payment"), type_="check")
        batch_op.drop_column("quantity")
    _sqlite(SQLITE_TRIGGERS)
    with op.batch_alter_table("gift_rounds", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_gift_rounds_goods"), type_="check")
        batch_op.drop_constraint(op.f("ck_gift_rounds_kind"), type_="check")
        batch_op.drop_column("goods_unit")
        batch_op.drop_column("goods_name")
        batch_op.drop_column("kind")
