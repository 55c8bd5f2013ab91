"""Elder-gift rounds, their frozen rosters (entries), batches, payouts and bank accounts."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy import DDL, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from welfare.auth import scope
from welfare.auth.models import utcnow
from welfare.extensions import db
from welfare.roster.models import people_in, searchable
from welfare.rounds.rules import FESTIVALS, OUTCOMES, PAID_OUTCOMES, RoundRules

ROUND_STATUSES = ("draft", "freezing", "frozen", "approved", "closed")
UNITS = ("person", "household")
KINDS = ("cash", "goods")
BANKS = ("post_office", "farmers_association")
HOLDS = ("deceased", "moved_out")


class Round(db.Model):
    __tablename__ = "gift_rounds"
    __table_args__ = (
        sa.CheckConstraint(sa.column("status").in_(ROUND_STATUSES), name="status"),
        sa.CheckConstraint(sa.column("festival").in_(FESTIVALS), name="festival"),
        sa.CheckConstraint(sa.column("unit").in_(UNITS), name="unit"),
        sa.CheckConstraint(sa.column("kind").in_(KINDS), name="kind"),
        # A goods round names what it hands out and its unit (米, 包); a cash round neither.
        sa.CheckConstraint("(kind = 'goods' AND goods_name <> '' AND goods_unit <> '')"
                           " OR (kind = 'cash' AND goods_name = '' AND goods_unit = '')",
                           name="goods"),
        sa.CheckConstraint("payout_end >= payout_start", name="window"),
        # Four eyes: whoever prepared or froze the roster cannot approve it.
        sa.CheckConstraint(
            "approved_by_id IS NULL OR (approved_by_id <> prepared_by_id"
            " AND (frozen_by_id IS NULL OR approved_by_id <> frozen_by_id))",
            name="four_eyes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    festival: Mapped[str] = mapped_column(sa.String(20))
    unit: Mapped[str] = mapped_column(sa.String(20), default="person", server_default="person")
    kind: Mapped[str] = mapped_column(sa.String(10), default="cash", server_default="cash")
    goods_name: Mapped[str] = mapped_column(sa.String(60), default="", server_default="")
    goods_unit: Mapped[str] = mapped_column(sa.String(10), default="", server_default="")
    year: Mapped[int]
    status: Mapped[str] = mapped_column(sa.String(20), default="draft", index=True)
    payout_start: Mapped[date]
    payout_end: Mapped[date]
    late_claim_end: Mapped[date | None]
    rules_data: Mapped[dict] = mapped_column(sa.JSON)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    copied_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("gift_rounds.id"))
    prepared_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    frozen_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    frozen_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_at: Mapped[datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    prepared_by = relationship("User", foreign_keys=[prepared_by_id])
    frozen_by = relationship("User", foreign_keys=[frozen_by_id])
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    closed_by = relationship("User", foreign_keys=[closed_by_id])

    @property
    def rules(self):
        return RoundRules.from_json(self.rules_data)

    @property
    def by_household(self):
        return self.unit == "household"

    @property
    def pays_goods(self):
        return self.kind == "goods"

    def goods_text(self, quantity):
        """米 2 包: what a goods round hands out, in a quantity."""
        return f"{self.goods_name} {quantity:,} {self.goods_unit}"

    @property
    def is_frozen(self):
        return self.status in ("frozen", "approved", "closed")

    def __repr__(self):
        return f"<Round {self.id} {self.name} {self.status}>"


class RoundBatch(db.Model):
    """Batch 0 is the main roster; later batches are supplementary lists, each approved."""

    __tablename__ = "gift_round_batches"
    __table_args__ = (
        sa.UniqueConstraint("round_id", "number", name="uq_gift_round_batches_number"),
        sa.CheckConstraint("approved_by_id IS NULL OR approved_by_id <> created_by_id",
                           name="four_eyes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("gift_rounds.id", ondelete="CASCADE"))
    number: Mapped[int]
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    approved_at: Mapped[datetime | None]

    round = relationship("Round")
    created_by = relationship("User", foreign_keys=[created_by_id])
    approved_by = relationship("User", foreign_keys=[approved_by_id])


class RoundEntry(db.Model):
    """One frozen row of the roster, as printed: register edits never change it."""

    __tablename__ = "gift_round_entries"
    __table_args__ = (
        sa.UniqueConstraint("round_id", "person_id", name="uq_gift_round_entries_person"),
        sa.UniqueConstraint("round_id", "token", name="uq_gift_round_entries_token"),
        # A household round pays each household once; person rounds leave household_id NULL.
        sa.UniqueConstraint("round_id", "household_id", name="uq_gift_round_entries_household"),
        sa.CheckConstraint("household_id IS NULL OR household_size >= 1", name="household_size"),
        sa.Index("ix_gift_round_entries_village", "round_id", "village_id"),
        sa.Index("ix_gift_round_entries_id_number", "round_id", "id_number"),
        sa.CheckConstraint("amount >= 0", name="amount"),
        # Cash rows carry an amount, goods rows a quantity and no money.
        sa.CheckConstraint("(quantity IS NULL AND amount > 0)"
                           " OR (quantity IS NOT NULL AND quantity >= 1 AND amount = 0)",
                           name="payment"),
        sa.CheckConstraint(sa.column("hold").in_(HOLDS), name="hold"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("gift_rounds.id", ondelete="CASCADE"))
    batch: Mapped[int] = mapped_column(default=0)
    # A snapshot stands alone: no foreign keys to the register, which also spares a city-wide
    # freeze 560,000 per-row key checks (each locking a person row).
    person_id: Mapped[int]
    token: Mapped[str] = mapped_column(searchable(12))
    name: Mapped[str] = mapped_column(sa.String(60))
    id_number: Mapped[str] = mapped_column(searchable(10))
    birth_date: Mapped[date]
    indigenous: Mapped[bool] = mapped_column(default=False)
    village_id: Mapped[int]
    village_code: Mapped[str] = mapped_column(searchable(20))
    neighbourhood: Mapped[int | None]
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    tier: Mapped[str] = mapped_column(sa.String(20))
    amount: Mapped[int]
    quantity: Mapped[int | None]
    bank: Mapped[str | None] = mapped_column(sa.String(30))
    bank_account: Mapped[str | None] = mapped_column(sa.String(40))
    hold: Mapped[str | None] = mapped_column(sa.String(20))
    # Household rounds: the head is the payee (person_id); the members as frozen.
    household_id: Mapped[int | None]
    household_size: Mapped[int | None]
    members: Mapped[list | None] = mapped_column(sa.JSON)
    hold_note: Mapped[str] = mapped_column(sa.String(200), default="")
    # The date of the death or move-out that put the payout on hold (事件日).
    hold_on: Mapped[date | None]

    round = relationship("Round")
    village = relationship("Village", lazy="joined", foreign_keys="RoundEntry.village_id",
                           primaryjoin="RoundEntry.village_id == Village.id")
    person = relationship("Person", foreign_keys="RoundEntry.person_id",
                          primaryjoin="RoundEntry.person_id == Person.id")


class Payout(db.Model):
    """One recorded outcome; a correction reverses it and adds a new row."""

    __tablename__ = "gift_payouts"
    __table_args__ = (
        sa.CheckConstraint(sa.column("outcome").in_(OUTCOMES), name="outcome"),
        sa.CheckConstraint(
            "outcome <> 'proxy' OR (proxy_name <> '' AND proxy_id_number <> ''"
            " AND proxy_relationship <> '' AND seal_checked)", name="proxy"),
        sa.CheckConstraint("reversed_at IS NULL OR reversal_reason <> ''", name="reversal"),
        # At most one effective outcome per person per round, enforced by the database.
        sa.Index("uq_gift_payouts_effective", "entry_id", unique=True,
                 sqlite_where=sa.text("reversed_at IS NULL"),
                 postgresql_where=sa.text("reversed_at IS NULL")),
        sa.Index("ix_gift_payouts_round", "round_id", "outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("gift_rounds.id", ondelete="CASCADE"))
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("gift_round_entries.id",
                                                        ondelete="CASCADE"))
    outcome: Mapped[str] = mapped_column(sa.String(20))
    amount: Mapped[int] = mapped_column(default=0)
    paid_on: Mapped[date]
    late_claim: Mapped[bool] = mapped_column(default=False)
    proxy_name: Mapped[str] = mapped_column(sa.String(60), default="")
    proxy_id_number: Mapped[str] = mapped_column(sa.String(10), default="")
    proxy_relationship: Mapped[str] = mapped_column(sa.String(30), default="")
    seal_checked: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    source: Mapped[str] = mapped_column(sa.String(20), default="counter")
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    reversed_at: Mapped[datetime | None]
    reversed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reversal_reason: Mapped[str] = mapped_column(sa.String(200), default="")

    entry = relationship("RoundEntry")
    recorded_by = relationship("User", foreign_keys=[recorded_by_id], lazy="joined")
    reversed_by = relationship("User", foreign_keys=[reversed_by_id])

    @property
    def paid(self):
        return self.outcome in PAID_OUTCOMES


class BankAccount(db.Model):
    """A post office or farmers' association account on file for gift transfers."""

    __tablename__ = "gift_bank_accounts"
    __table_args__ = (sa.CheckConstraint(sa.column("bank").in_(BANKS), name="bank"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), unique=True)
    bank: Mapped[str] = mapped_column(sa.String(30))
    branch_code: Mapped[str] = mapped_column(sa.String(10), default="")
    account_number: Mapped[str] = mapped_column(sa.String(30))
    holder_name: Mapped[str] = mapped_column(sa.String(60))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person = relationship("Person")


# A held entry cannot be paid, and a paid one is not held: the database decides, also when a
# payout at the counter and a registry import race (the payout locks its entry row, so one of
# the two waits for the other and then sees what it committed). Migration 0022 adds these.
_PAID = ", ".join(f"'{o}'" for o in PAID_OUTCOMES)
HOLD_TRIGGERS = {
    "postgresql": [
        f"""CREATE OR REPLACE FUNCTION gift_payout_not_held() RETURNS trigger AS $$
           DECLARE held varchar;
           BEGIN
             IF NEW.outcome IN ({_PAID}) AND NEW.reversed_at IS NULL THEN
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
                 AND reversed_at IS NULL AND outcome IN ({_PAID})) THEN
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
           WHEN NEW.outcome IN ({_PAID}) AND NEW.reversed_at IS NULL AND (
             SELECT hold FROM gift_round_entries WHERE id = NEW.entry_id) IS NOT NULL
           BEGIN SELECT RAISE(ABORT, 'gift_payouts_not_held: the entry is held'); END""",
        f"""CREATE TRIGGER IF NOT EXISTS gift_round_entries_hold_unpaid
           BEFORE UPDATE OF hold ON gift_round_entries
           WHEN NEW.hold IS NOT NULL AND OLD.hold IS NULL AND EXISTS (
             SELECT 1 FROM gift_payouts WHERE entry_id = NEW.id
             AND reversed_at IS NULL AND outcome IN ({_PAID}))
           BEGIN SELECT RAISE(IGNORE); END""",
    ],
}
for _dialect, _statements in HOLD_TRIGGERS.items():
    for _sql in _statements:
        event.listen(Payout.__table__, "after_create", DDL(_sql).execute_if(dialect=_dialect))

scope.narrow(RoundEntry, villages=lambda ids: RoundEntry.village_id.in_(ids))
scope.narrow(Payout, villages=lambda ids: Payout.entry_id.in_(
    sa.select(RoundEntry.id).where(RoundEntry.village_id.in_(ids))))
scope.narrow(BankAccount, villages=lambda ids: BankAccount.person_id.in_(people_in(ids)))
