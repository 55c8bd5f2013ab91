"""Villages, people, households, low-income statuses and isolated elders."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from welfare.auth import scope
from welfare.auth.models import utcnow
from welfare.extensions import db
from welfare.geo.models import Village  # noqa: F401  (re-exported for older imports)

SEXES = ("M", "F")
PERSON_STATUSES = ("registered", "moved_out", "deceased")
LOW_INCOME_KINDS = ("low", "mid_low")
CARE_LEVELS = (1, 2, 3, 4)


LIVE = sa.text("merged_into_id IS NULL")


def searchable(length):
    """A string compared byte by byte on PostgreSQL (collation "C"): code-point order, as on
    SQLite, and a plain index then answers prefix searches whatever the database's locale."""
    return sa.String(length).with_variant(sa.String(length, collation="C"), "postgresql")


class Person(db.Model):
    __tablename__ = "people"
    __table_args__ = (
        sa.CheckConstraint(sa.column("sex").in_(SEXES), name="sex"),
        sa.CheckConstraint(sa.column("status").in_(PERSON_STATUSES), name="status"),
        # The people search: with the "C" columns below these serve `LIKE 'prefix%'`, the
        # ORDER BY name, id and (partial, with the birth date: index-only) the capped counts.
        sa.Index("ix_people_name", "name", "id", postgresql_where=LIVE, sqlite_where=LIVE,
                 postgresql_include=["birth_date"]),
        sa.Index("ix_people_village_name", "village_id", "name", "id", postgresql_where=LIVE,
                 sqlite_where=LIVE, postgresql_include=["birth_date"]),
        sa.Index("ix_people_village_birth", "village_id", "birth_date"),
        sa.Index("ix_people_name_birth", "name", "birth_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    id_number: Mapped[str] = mapped_column(searchable(10), unique=True)
    name: Mapped[str] = mapped_column(searchable(60))
    sex: Mapped[str] = mapped_column(sa.String(1))
    birth_date: Mapped[date] = mapped_column(index=True)
    indigenous: Mapped[bool] = mapped_column(default=False)
    phone: Mapped[str] = mapped_column(searchable(30), default="", index=True)
    mobile: Mapped[str] = mapped_column(searchable(30), default="", index=True)
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("villages.id"))
    neighbourhood: Mapped[int | None]
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    registered_on: Mapped[date | None]
    status: Mapped[str] = mapped_column(sa.String(20), default="registered")
    status_date: Mapped[date | None]
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    # Set when staff merge a duplicate into another record; merged rows are hidden.
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    village = relationship("Village", lazy="joined")
    membership = relationship("HouseholdMember", back_populates="person", uselist=False)
    elder = relationship("IsolatedElder", back_populates="person", uselist=False)

    @property
    def household(self):
        return self.membership.household if self.membership else None

    def __repr__(self):
        return f"<Person {self.id} {self.name}>"


class Household(db.Model):
    __tablename__ = "households"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_no: Mapped[str] = mapped_column(sa.String(20), default="", index=True)
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("villages.id"), index=True)
    neighbourhood: Mapped[int | None]
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    head_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    village = relationship("Village", lazy="joined")
    head = relationship("Person", foreign_keys=[head_id])
    members = relationship(
        "HouseholdMember", back_populates="household", cascade="all, delete-orphan"
    )
    statuses = relationship(
        "LowIncomeStatus",
        back_populates="household",
        cascade="all, delete-orphan",
        order_by="LowIncomeStatus.certified_until.desc()",
    )

    def current_status(self, on):
        for status in self.statuses:
            if status.certified_from <= on <= status.certified_until:
                return status
        return None


class HouseholdMember(db.Model):
    __tablename__ = "household_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(
        sa.ForeignKey("households.id", ondelete="CASCADE"), index=True
    )
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), unique=True)
    relationship_to_head: Mapped[str] = mapped_column(sa.String(20), default="")

    household = relationship("Household", back_populates="members")
    person = relationship("Person", back_populates="membership", lazy="joined")


class LowIncomeCategory(db.Model):
    """Configurable sub-categories of 低收入戶 (Kaohsiung's were not published)."""

    __tablename__ = "low_income_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name_zh: Mapped[str] = mapped_column(sa.String(40))
    name_en: Mapped[str] = mapped_column(sa.String(80))
    active: Mapped[bool] = mapped_column(default=True)


class LowIncomeStatus(db.Model):
    __tablename__ = "low_income_statuses"
    __table_args__ = (
        sa.CheckConstraint(sa.column("kind").in_(LOW_INCOME_KINDS), name="kind"),
        sa.CheckConstraint("certified_until >= certified_from", name="period"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(
        sa.ForeignKey("households.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(10))
    category_id: Mapped[int | None] = mapped_column(sa.ForeignKey("low_income_categories.id"))
    certified_from: Mapped[date]
    certified_until: Mapped[date] = mapped_column(index=True)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    household = relationship("Household", back_populates="statuses")
    category = relationship("LowIncomeCategory", lazy="joined")


class IsolatedElder(db.Model):
    __tablename__ = "isolated_elders"
    __table_args__ = (sa.CheckConstraint("care_level BETWEEN 1 AND 4", name="care_level"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), unique=True)
    care_level: Mapped[int] = mapped_column(index=True)
    assessed_on: Mapped[date | None]
    assessor: Mapped[str] = mapped_column(sa.String(60), default="")
    living_situation: Mapped[str] = mapped_column(sa.String(200), default="")
    health_notes: Mapped[str] = mapped_column(sa.Text, default="")
    sensitive_notes: Mapped[str] = mapped_column(sa.Text, default="")
    active: Mapped[bool] = mapped_column(default=True, index=True)
    inactive_reason: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person = relationship("Person", back_populates="elder", lazy="joined")
    contacts = relationship(
        "EmergencyContact", back_populates="elder", cascade="all, delete-orphan"
    )


class EmergencyContact(db.Model):
    __tablename__ = "emergency_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    elder_id: Mapped[int] = mapped_column(
        sa.ForeignKey("isolated_elders.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(60))
    relation: Mapped[str] = mapped_column(sa.String(30), default="")
    phone: Mapped[str] = mapped_column(sa.String(30))

    elder = relationship("IsolatedElder", back_populates="contacts")


class DuplicateFlag(db.Model):
    """A suspected duplicate pair for staff to merge or dismiss."""

    __tablename__ = "duplicate_flags"
    __table_args__ = (
        sa.UniqueConstraint("person_a_id", "person_b_id", name="uq_duplicate_flags_pair"),
        sa.CheckConstraint("person_a_id < person_b_id", name="ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_a_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    person_b_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.String(30))
    status: Mapped[str] = mapped_column(sa.String(20), default="open", index=True)
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    resolved_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person_a = relationship("Person", foreign_keys=[person_a_id])
    person_b = relationship("Person", foreign_keys=[person_b_id])


def people_in(ids):
    return sa.select(Person.id).where(Person.village_id.in_(ids))


def households_in(ids):
    return sa.select(Household.id).where(Household.village_id.in_(ids))


def elders_in(ids):
    return sa.select(IsolatedElder.id).where(IsolatedElder.person_id.in_(people_in(ids)))


scope.narrow(Person, villages=lambda ids: Person.village_id.in_(ids))
scope.narrow(Household, villages=lambda ids: Household.village_id.in_(ids))
scope.narrow(HouseholdMember,
             villages=lambda ids: HouseholdMember.household_id.in_(households_in(ids)))
scope.narrow(LowIncomeStatus,
             villages=lambda ids: LowIncomeStatus.household_id.in_(households_in(ids)))
scope.narrow(IsolatedElder, villages=lambda ids: IsolatedElder.person_id.in_(people_in(ids)))
scope.narrow(EmergencyContact, villages=lambda ids: EmergencyContact.elder_id.in_(elders_in(ids)))
# A suspected pair across villages names a person of the other village: neither side sees it.
scope.narrow(DuplicateFlag, villages=lambda ids: sa.and_(
    DuplicateFlag.person_a_id.in_(people_in(ids)), DuplicateFlag.person_b_id.in_(people_in(ids))))
