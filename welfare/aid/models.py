"""Emergency-aid cases (急難救助): the causes and their limits (data), the case from
application through assessment and a four-eyes decision, and its one payment."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from welfare.aid.rules import BANK_RESULTS, METHODS, REFERRERS, STATUSES
from welfare.auth import scope
from welfare.auth.models import utcnow
from welfare.extensions import db
from welfare.rounds.models import BANKS
from welfare.web import is_chinese


class AidCause(db.Model):
    """A ground for emergency aid and the most one case may receive for it."""

    __tablename__ = "aid_causes"
    __table_args__ = (sa.CheckConstraint("max_amount > 0", name="max_amount"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(30), unique=True)
    name_zh: Mapped[str] = mapped_column(sa.String(40))
    name_en: Mapped[str] = mapped_column(sa.String(80))
    max_amount: Mapped[int]
    active: Mapped[bool] = mapped_column(default=True)

    def __str__(self):
        return self.name_zh if is_chinese() else self.name_en


class AidProgramme(db.Model):
    """The programme's own limits (one row): the most one household may receive in a year."""

    __tablename__ = "aid_programme"
    __table_args__ = (
        sa.CheckConstraint("id = 1", name="one_row"),
        sa.CheckConstraint("household_year_max IS NULL OR household_year_max > 0",
                           name="household_year_max"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_year_max: Mapped[int | None]  # None: no yearly limit per household
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime | None]


class AidCase(db.Model):
    __tablename__ = "aid_cases"
    __table_args__ = (
        sa.CheckConstraint(sa.column("status").in_(STATUSES), name="status"),
        sa.CheckConstraint(sa.column("referred_by").in_(REFERRERS), name="referred_by"),
        sa.CheckConstraint("happened_on <= applied_on", name="happened"),
        sa.CheckConstraint("household_size BETWEEN 1 AND 30", name="household_size"),
        sa.CheckConstraint("status = 'applied' OR (assessed_by_id IS NOT NULL"
                           " AND proposed_amount > 0)", name="assessed"),
        # Four eyes: the supervisor who decides did not assess the case.
        sa.CheckConstraint("decided_by_id IS NULL OR (assessed_by_id IS NOT NULL"
                           " AND decided_by_id <> assessed_by_id)", name="four_eyes"),
        sa.CheckConstraint("status IN ('applied', 'assessed') OR (decided_by_id IS NOT NULL"
                           " AND decided_on IS NOT NULL)", name="decided"),
        sa.CheckConstraint("status <> 'refused' OR refusal_reason <> ''", name="refusal"),
        sa.CheckConstraint("status NOT IN ('approved', 'paid') OR approved_amount > 0",
                           name="approved_amount"),
        sa.Index("ix_aid_cases_status_applied", "status", "applied_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"), index=True)
    applicant_name: Mapped[str] = mapped_column(sa.String(60))
    applicant_id_number: Mapped[str] = mapped_column(sa.String(10), default="")
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("villages.id"), index=True)
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    household_id: Mapped[int | None] = mapped_column(sa.ForeignKey("households.id"))
    household_size: Mapped[int] = mapped_column(default=1)
    contact: Mapped[str] = mapped_column(sa.String(100), default="")
    cause_id: Mapped[int] = mapped_column(sa.ForeignKey("aid_causes.id"))
    what_happened: Mapped[str] = mapped_column(sa.Text)
    happened_on: Mapped[date]
    applied_on: Mapped[date]
    documents_seen: Mapped[list] = mapped_column(sa.JSON, default=list)
    referred_by: Mapped[str] = mapped_column(sa.String(20), default="self")
    referrer_name: Mapped[str] = mapped_column(sa.String(60), default="")
    status: Mapped[str] = mapped_column(sa.String(10), default="applied")
    stated_income: Mapped[int | None]  # the household's monthly income, as stated
    stated_assets: Mapped[int | None]  # savings and property, as stated
    visit_notes: Mapped[str] = mapped_column(sa.Text, default="")
    proposed_amount: Mapped[int | None]
    assessed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    assessed_at: Mapped[datetime | None]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    decided_on: Mapped[date | None]
    approved_amount: Mapped[int | None]
    refusal_reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    cause = relationship("AidCause", lazy="joined")
    person = relationship("Person")
    village = relationship("Village", lazy="joined")
    assessed_by = relationship("User", foreign_keys=[assessed_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])
    created_by = relationship("User", foreign_keys=[created_by_id])
    # The effective payment (not reversed); reversed ones stay in `payments`.
    payment = relationship("AidPayment", uselist=False, viewonly=True,
                           primaryjoin="and_(AidPayment.case_id == AidCase.id,"
                                       " AidPayment.reversed_at.is_(None))")
    payments = relationship("AidPayment", back_populates="case", order_by="AidPayment.id")


class AidPayment(db.Model):
    """A payment of an approved case: at the counter (applicant or proxy) or by bank. A
    wrong one is reversed with a reason and stays; a case has at most one that is not."""

    __tablename__ = "aid_payments"
    __table_args__ = (
        sa.CheckConstraint(sa.column("method").in_(METHODS), name="method"),
        sa.CheckConstraint("amount > 0", name="amount"),
        sa.CheckConstraint("method <> 'proxy' OR (proxy_name <> '' AND proxy_id_number <> ''"
                           " AND proxy_relationship <> '')", name="proxy"),
        sa.CheckConstraint(sa.or_(sa.column("method") != "bank",
                                  sa.and_(sa.column("bank").in_(BANKS),
                                          sa.column("account_number") != "")), name="bank"),
        sa.CheckConstraint("reversed_at IS NULL OR (reversal_reason <> ''"
                           " AND reversed_by_id IS NOT NULL)", name="reversal"),
        # A bank transfer waits for the bank's result; a failed one is reversed at once.
        sa.CheckConstraint(sa.or_(sa.and_(sa.column("method") == "bank",
                                          sa.column("bank_result").in_(BANK_RESULTS)),
                                  sa.and_(sa.column("method") != "bank",
                                          sa.column("bank_result").is_(None))),
                           name="bank_result"),
        sa.CheckConstraint("bank_result IS NULL OR bank_result <> 'failed'"
                           " OR reversed_at IS NOT NULL", name="failed_reversed"),
        # Four eyes: whoever recorded a payment does not reverse it (the bank's own failure,
        # recorded from its result file, is not a decision of the clerk's).
        sa.CheckConstraint("reversed_by_id IS NULL OR reversed_by_id <> recorded_by_id"
                           " OR COALESCE(bank_result, '') = 'failed'", name="reversal_four_eyes"),
        # Money to recover: only a reversed payment whose money was handed over or credited.
        sa.CheckConstraint("NOT to_recover OR (reversed_at IS NOT NULL AND (bank_result IS NULL"
                           " OR bank_result = 'paid'))", name="recovery"),
        sa.CheckConstraint("recovered_on IS NULL OR (to_recover AND recovered_by_id IS NOT NULL)",
                           name="recovered"),
        # One column: a transfer is in one batch at most, so never in two open ones.
        sa.CheckConstraint("batch_id IS NULL OR method = 'bank'", name="batch"),
        # One effective payment per case, enforced by the database (racing clerks: one wins).
        sa.Index("uq_aid_payments_effective", "case_id", unique=True,
                 sqlite_where=sa.text("reversed_at IS NULL"),
                 postgresql_where=sa.text("reversed_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("aid_cases.id", ondelete="CASCADE"))
    method: Mapped[str] = mapped_column(sa.String(10))
    amount: Mapped[int]
    paid_on: Mapped[date]
    proxy_name: Mapped[str] = mapped_column(sa.String(60), default="")
    proxy_id_number: Mapped[str] = mapped_column(sa.String(10), default="")
    proxy_relationship: Mapped[str] = mapped_column(sa.String(30), default="")
    bank: Mapped[str] = mapped_column(sa.String(30), default="")
    account_number: Mapped[str] = mapped_column(sa.String(30), default="")
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    bank_result: Mapped[str | None] = mapped_column(sa.String(10))  # pending, paid, failed
    bank_result_on: Mapped[date | None]
    reversed_at: Mapped[datetime | None]
    reversed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reversal_reason: Mapped[str] = mapped_column(sa.String(200), default="")
    batch_id: Mapped[int | None] = mapped_column(sa.ForeignKey("aid_bank_batches.id"),
                                                 index=True)
    to_recover: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    recovered_on: Mapped[date | None]
    recovered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recovery_note: Mapped[str] = mapped_column(sa.String(200), default="")

    case = relationship("AidCase", back_populates="payments")
    batch = relationship("AidBankBatch", back_populates="payments")
    recovered_by = relationship("User", foreign_keys=[recovered_by_id])
    recorded_by = relationship("User", lazy="joined", foreign_keys=[recorded_by_id])
    reversed_by = relationship("User", foreign_keys=[reversed_by_id])

    @property
    def settled(self):
        """Money handed over or confirmed by the bank (not waiting for its result)."""
        return self.reversed_at is None and self.bank_result in (None, "paid")

    @property
    def money_out(self):
        """The money reached the applicant: handed over at the counter or credited."""
        return self.bank_result in (None, "paid")

    @property
    def owed(self):
        """Reversed after the money went out, and not yet returned."""
        return self.to_recover and self.recovered_on is None


class AidBankBatch(db.Model):
    """A bank file of transfers (批次): made at the first download of the transfers waiting
    for one bank, the same file at every later download, reconciled against the bank's
    result file; open until every transfer in it has the bank's result."""

    __tablename__ = "aid_bank_batches"
    __table_args__ = (sa.CheckConstraint(sa.column("bank").in_(BANKS), name="bank"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bank: Mapped[str] = mapped_column(sa.String(30))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    reconciled_at: Mapped[datetime | None]

    created_by = relationship("User")
    payments = relationship("AidPayment", back_populates="batch", order_by="AidPayment.id")


scope.narrow(AidCase, villages=lambda ids: AidCase.village_id.in_(ids))
scope.narrow(AidPayment, villages=lambda ids: AidPayment.case_id.in_(
    sa.select(AidCase.id).where(AidCase.village_id.in_(ids))))
