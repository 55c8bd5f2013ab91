"""round holds from registry changes: the change's date on the entry, the hold's values
checked, and triggers so that a held entry is never paid and a paid one never held

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-05 07:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

# Written out here (not imported from the models) so that this revision stays as it was.
PAID = "'elder', 'proxy', 'bank'"
TRIGGERS = {
    "postgresql": [
        f"""CREATE OR REPLACE FUNCTION gift_payout_not_held() RETURNS trigger AS $$
           DECLARE held varchar;
           BEGIN
             IF NEW.outcome IN ({PAID}) AND NEW.reversed_at IS NULL THEN
               SELECT hold INTO held FROM gift_round_entries WHERE id = NEW.entry_id FOR SHARE;
               IF held IS NOT NULL THEN
                 RAISE EXCEPTION USING ERRCODE = 'check_violation',
                   CONSTRAINT = 'gift_payouts_not_held',
                   MESSAGE = 'gift_payouts_not_held: entry ' || NEW.entry_id || ' is held';
               END IF;
             END IF;
             RETURN NEW;
           END; $$ LANGUAGE plpgsql""",
        "DROP TRIGGER IF EXISTS gift_payouts_not_held ON gift_payouts",
        """CREATE TRIGGER gift_payouts_not_held BEFORE INSERT ON gift_payouts
           FOR EACH ROW EXECUTE FUNCTION gift_payout_not_held()""",
        f"""CREATE OR REPLACE FUNCTION gift_entry_hold_unpaid() RETURNS trigger AS $$
           BEGIN
             IF NEW.hold IS NOT NULL AND OLD.hold IS NULL AND EXISTS (
                 SELECT 1 FROM gift_payouts WHERE entry_id = NEW.id
                 AND reversed_at IS NULL AND outcome IN ({PAID})) THEN
               RETURN NULL;  -- paid before the change arrived: nothing left to hold
             END IF;
             RETURN NEW;
           END; $$ LANGUAGE plpgsql""",
        "DROP TRIGGER IF EXISTS gift_round_entries_hold_unpaid ON gift_round_entries",
        """CREATE TRIGGER gift_round_entries_hold_unpaid BEFORE UPDATE OF hold
           ON gift_round_entries FOR EACH ROW EXECUTE FUNCTION gift_entry_hold_unpaid()""",
    ],
    "sqlite": [
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
    ],
}
DROP = {
    "postgresql": [
        "DROP TRIGGER IF EXISTS gift_payouts_not_held ON gift_payouts",
        "DROP TRIGGER IF EXISTS gift_round_entries_hold_unpaid ON gift_round_entries",
        "DROP FUNCTION IF EXISTS gift_payout_not_held()",
        "DROP FUNCTION IF EXISTS gift_entry_hold_unpaid()",
    ],
    "sqlite": [
        "DROP TRIGGER IF EXISTS gift_payouts_not_held",
        "DROP TRIGGER IF EXISTS gift_round_entries_hold_unpaid",
    ],
}


def upgrade():
    # Holds set before this revision carry the person's status: deceased or moved_out.
    with op.batch_alter_table("gift_round_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("hold_on", sa.Date(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_gift_round_entries_hold"), sa.column("hold").in_(("deceased", "moved_out")))
    for statement in TRIGGERS.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade():
    for statement in DROP.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    with op.batch_alter_table("gift_round_entries", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_gift_round_entries_hold"), type_="check")
        batch_op.drop_column("hold_on")
