"""household rounds' supplementary households (with the reason they were added) and holds
lifted by a supervisor (the hold as it was, who, when, why); a lift row clears the hold

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-05 13:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

# Written out here (not imported from the models) so that this revision stays as it was.
TRIGGERS = {
    "postgresql": [
        """CREATE OR REPLACE FUNCTION gift_hold_lift_apply() RETURNS trigger AS $$
           BEGIN
             IF NOT EXISTS (SELECT 1 FROM users WHERE id = NEW.lifted_by_id
                            AND role = 'supervisor') THEN
               RAISE EXCEPTION USING ERRCODE = 'check_violation',
                 CONSTRAINT = 'gift_hold_lifts_supervisor',
                 MESSAGE = 'gift_hold_lifts_supervisor: only a supervisor lifts a hold';
             END IF;
             UPDATE gift_round_entries SET hold = NULL, hold_on = NULL, hold_note = ''
               WHERE id = NEW.entry_id AND hold IS NOT NULL AND hold = NEW.hold;
             IF NOT FOUND THEN
               RAISE EXCEPTION USING ERRCODE = 'check_violation',
                 CONSTRAINT = 'gift_hold_lifts_held',
                 MESSAGE = 'gift_hold_lifts_held: entry ' || NEW.entry_id || ' is not held';
             END IF;
             RETURN NEW;
           END; $$ LANGUAGE plpgsql""",
        "DROP TRIGGER IF EXISTS gift_hold_lifts_apply ON gift_round_hold_lifts",
        """CREATE TRIGGER gift_hold_lifts_apply BEFORE INSERT ON gift_round_hold_lifts
           FOR EACH ROW EXECUTE FUNCTION gift_hold_lift_apply()""",
        """CREATE OR REPLACE FUNCTION gift_entry_open_batch() RETURNS trigger AS $$
           BEGIN
             IF EXISTS (SELECT 1 FROM gift_round_batches WHERE round_id = NEW.round_id
                        AND number = NEW.batch AND approved_at IS NOT NULL) THEN
               RAISE EXCEPTION USING ERRCODE = 'check_violation',
                 CONSTRAINT = 'gift_round_entries_open_batch',
                 MESSAGE = 'gift_round_entries_open_batch: list ' || NEW.batch || ' is approved';
             END IF;
             RETURN NEW;
           END; $$ LANGUAGE plpgsql""",
        "DROP TRIGGER IF EXISTS gift_round_entries_open_batch ON gift_round_entries",
        """CREATE TRIGGER gift_round_entries_open_batch BEFORE INSERT ON gift_round_entries
           FOR EACH ROW WHEN (NEW.batch > 0) EXECUTE FUNCTION gift_entry_open_batch()""",
    ],
    "sqlite": [
        """CREATE TRIGGER IF NOT EXISTS gift_hold_lifts_supervisor
           BEFORE INSERT ON gift_round_hold_lifts
           WHEN NOT EXISTS (SELECT 1 FROM users WHERE id = NEW.lifted_by_id
                            AND role = 'supervisor')
           BEGIN SELECT RAISE(ABORT, 'gift_hold_lifts_supervisor: only a supervisor'); END""",
        """CREATE TRIGGER IF NOT EXISTS gift_hold_lifts_held
           BEFORE INSERT ON gift_round_hold_lifts
           WHEN NOT EXISTS (SELECT 1 FROM gift_round_entries WHERE id = NEW.entry_id
                            AND hold = NEW.hold)
           BEGIN SELECT RAISE(ABORT, 'gift_hold_lifts_held: the entry is not held'); END""",
        """CREATE TRIGGER IF NOT EXISTS gift_hold_lifts_apply
           AFTER INSERT ON gift_round_hold_lifts
           BEGIN UPDATE gift_round_entries SET hold = NULL, hold_on = NULL, hold_note = ''
             WHERE id = NEW.entry_id; END""",
        """CREATE TRIGGER IF NOT EXISTS gift_round_entries_open_batch
           BEFORE INSERT ON gift_round_entries
           WHEN NEW.batch > 0 AND EXISTS (SELECT 1 FROM gift_round_batches
             WHERE round_id = NEW.round_id AND number = NEW.batch AND approved_at IS NOT NULL)
           BEGIN SELECT RAISE(ABORT, 'gift_round_entries_open_batch: the list is approved');
           END""",
    ],
}


def upgrade():
    op.create_table(
        "gift_round_supplements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("batch", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("batch >= 1", name=op.f("ck_gift_round_supplements_batch")),
        sa.CheckConstraint("trim(reason) <> ''", name=op.f("ck_gift_round_supplements_reason")),
        sa.ForeignKeyConstraint(["added_by_id"], ["users.id"],
                                name=op.f("fk_gift_round_supplements_added_by_id_users")),
        sa.ForeignKeyConstraint(["entry_id"], ["gift_round_entries.id"], ondelete="CASCADE",
                                name=op.f("fk_gift_round_supplements_entry_id_gift_round_entries")),
        sa.ForeignKeyConstraint(["round_id"], ["gift_rounds.id"], ondelete="CASCADE",
                                name=op.f("fk_gift_round_supplements_round_id_gift_rounds")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gift_round_supplements")),
        sa.UniqueConstraint("entry_id", name=op.f("uq_gift_round_supplements_entry_id")),
    )
    op.create_table(
        "gift_round_hold_lifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("hold", sa.String(length=20), nullable=False),
        sa.Column("hold_on", sa.Date(), nullable=True),
        sa.Column("hold_note", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("lifted_by_id", sa.Integer(), nullable=False),
        sa.Column("lifted_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint("hold IN ('deceased', 'moved_out')",
                           name=op.f("ck_gift_round_hold_lifts_hold")),
        sa.CheckConstraint("trim(reason) <> ''", name=op.f("ck_gift_round_hold_lifts_reason")),
        sa.ForeignKeyConstraint(["entry_id"], ["gift_round_entries.id"], ondelete="CASCADE",
                                name=op.f("fk_gift_round_hold_lifts_entry_id_gift_round_entries")),
        sa.ForeignKeyConstraint(["lifted_by_id"], ["users.id"],
                                name=op.f("fk_gift_round_hold_lifts_lifted_by_id_users")),
        sa.ForeignKeyConstraint(["round_id"], ["gift_rounds.id"], ondelete="CASCADE",
                                name=op.f("fk_gift_round_hold_lifts_round_id_gift_rounds")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gift_round_hold_lifts")),
    )
    op.create_index("ix_gift_round_hold_lifts_entry", "gift_round_hold_lifts", ["entry_id"])
    for statement in TRIGGERS.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS gift_round_entries_open_batch ON gift_round_entries")
        op.execute("DROP FUNCTION IF EXISTS gift_entry_open_batch()")
        op.execute("DROP TRIGGER IF EXISTS gift_hold_lifts_apply ON gift_round_hold_lifts")
        op.execute("DROP FUNCTION IF EXISTS gift_hold_lift_apply()")
    else:
        op.execute("DROP TRIGGER IF EXISTS gift_round_entries_open_batch")
    op.drop_index("ix_gift_round_hold_lifts_entry", table_name="gift_round_hold_lifts")
    op.drop_table("gift_round_hold_lifts")
    op.drop_table("gift_round_supplements")
