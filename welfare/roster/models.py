"""Villages, people, households, low-income statuses and isolated elders."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from welfare.auth import scope
from welfare.auth.models import utcnow
from welfare.extensions import db
from welfare.geo.models import Village  # noqa: F401  (re-exported for older imports)

SEXES = ("M", "F")
PERSON_STATUSES = ("registered", "moved_out", "deceased")
LOW_INCOME_KINDS = ("low", "mid_low")
CARE_LEVELS = (1, 2, 3, 4)


LIVE = sa.text("merged_into_id IS NULL")


@sa.event.listens_for(db.metadata, "before_create")
def _trigrams(target, connection, **kw):
    """The address indexes need pg_trgm (a trusted extension: the schema owner may add it)."""
    if connection.dialect.name == "postgresql":
        connection.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
        # The low-income periods' exclusion constraint compares household ids with "=".
        connection.execute(sa.text("CREATE EXTENSION IF NOT EXISTS btree_gist"))


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
        # Address substring search (`LIKE '%...%'`) on PostgreSQL: trigrams (pg_trgm).
        sa.Index("ix_people_address_trgm", "address", postgresql_using="gin",
                 postgresql_ops={"address": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
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
    __table_args__ = (
        sa.Index("ix_households_address_trgm", "address", postgresql_using="gin",
                 postgresql_ops={"address": "gin_trgm_ops"}).ddl_if(dialect="postgresql"),
        # One head per household is head_id itself; a person heads one household at a time.
        sa.Index("uq_households_head", "head_id", unique=True,
                 postgresql_where=sa.text("head_id IS NOT NULL"),
                 sqlite_where=sa.text("head_id IS NOT NULL")),
    )

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


class HouseholdMove(db.Model):
    """A person's move from one household to another (or into or out of any), kept as
    history when the household membership changes (the households feed records these)."""

    __tablename__ = "household_moves"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    from_household_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("households.id", ondelete="SET NULL"))
    to_household_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("households.id", ondelete="SET NULL"))
    from_household_no: Mapped[str] = mapped_column(sa.String(20), default="")
    to_household_no: Mapped[str] = mapped_column(sa.String(20), default="")
    relationship_to_head: Mapped[str] = mapped_column(sa.String(20), default="")
    source: Mapped[str] = mapped_column(sa.String(200), default="")
    moved_at: Mapped[datetime] = mapped_column(default=utcnow)


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
        # A household's periods of one kind never overlap (PostgreSQL; on SQLite the
        # services and the low-income import check it).
        postgresql.ExcludeConstraint(
            (sa.column("household_id"), "="), (sa.column("kind"), "="),
            (sa.text("daterange(certified_from, certified_until, '[]')"), "&&"),
            name="low_income_statuses_no_overlap", using="gist",
        ).ddl_if(dialect="postgresql"),
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


class InstitutionStay(db.Model):
    """A stay in a care institution (機構安置): rounds may leave out whoever is in one."""

    __tablename__ = "institution_stays"
    __table_args__ = (
        sa.CheckConstraint("institution <> ''", name="institution"),
        sa.CheckConstraint("ended_on IS NULL OR ended_on >= started_on", name="period"),
        sa.CheckConstraint("(ended_on IS NULL) = (ended_by_id IS NULL)", name="ended_by"),
        # One open stay per person: two clerks recording the same admission make one row.
        sa.Index("uq_institution_stays_open", "person_id", unique=True,
                 postgresql_where=sa.text("ended_on IS NULL"),
                 sqlite_where=sa.text("ended_on IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    institution: Mapped[str] = mapped_column(sa.String(100))
    started_on: Mapped[date]
    ended_on: Mapped[date | None]
    source: Mapped[str] = mapped_column(sa.String(20), default="manual")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    person = relationship("Person", backref=backref(
        "institution_stays", order_by="InstitutionStay.started_on.desc()"))

    def covers(self, on):
        return self.started_on <= on and (self.ended_on is None or self.ended_on >= on)


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
scope.narrow(HouseholdMove, villages=lambda ids: HouseholdMove.person_id.in_(people_in(ids)))
scope.narrow(LowIncomeStatus,
             villages=lambda ids: LowIncomeStatus.household_id.in_(households_in(ids)))
scope.narrow(IsolatedElder, villages=lambda ids: IsolatedElder.person_id.in_(people_in(ids)))
scope.narrow(InstitutionStay, villages=lambda ids: InstitutionStay.person_id.in_(people_in(ids)))
scope.narrow(EmergencyContact, villages=lambda ids: EmergencyContact.elder_id.in_(elders_in(ids)))
# A suspected pair across villages names a person of the other village: neither side sees it.
scope.narrow(DuplicateFlag, villages=lambda ids: sa.and_(
    DuplicateFlag.person_a_id.in_(people_in(ids)), DuplicateFlag.person_b_id.in_(people_in(ids))))


class PersonMerge(db.Model):
    """One merge of a duplicate into the kept record, with every row it moved (table.column ->
    ids), so that an admin can undo it."""

    __tablename__ = "person_merges"
    __table_args__ = (
        # One standing merge per pair, and a record is merged away once until undone: two
        # clerks merging at once cannot both win (the service also locks the pair).
        sa.Index("uq_person_merges_flag_live", "flag_id", unique=True,
                 postgresql_where=sa.text("undone_at IS NULL"),
                 sqlite_where=sa.text("undone_at IS NULL")),
        sa.Index("uq_person_merges_merged_live", "merged_id", unique=True,
                 postgresql_where=sa.text("undone_at IS NULL"),
                 sqlite_where=sa.text("undone_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    flag_id: Mapped[int] = mapped_column(sa.ForeignKey("duplicate_flags.id"))
    kept_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    merged_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))
    moves: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    merged_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    merged_at: Mapped[datetime] = mapped_column(default=utcnow)
    undone_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    undone_at: Mapped[datetime | None]

    flag = relationship("DuplicateFlag")
    kept = relationship("Person", foreign_keys=[kept_id])
    merged = relationship("Person", foreign_keys=[merged_id])
    merged_by = relationship("User", foreign_keys=[merged_by_id])
    undone_by = relationship("User", foreign_keys=[undone_by_id])


scope.narrow(PersonMerge, villages=lambda ids: sa.and_(
    PersonMerge.kept_id.in_(people_in(ids)), PersonMerge.merged_id.in_(people_in(ids))))


class QualityCount(db.Model):
    """The data-quality page's count of one check in one village, stored by a recount
    (roster.quality_store) so that the page and the home work list need not scan the
    people; every row of one recount carries the same counted_at."""

    __tablename__ = "quality_counts"
    __table_args__ = (
        sa.UniqueConstraint("village_id", "check_key", name="uq_quality_counts_village_check"),
        sa.CheckConstraint("count >= 0", name="count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("villages.id", ondelete="CASCADE"))
    check_key: Mapped[str] = mapped_column(sa.String(40))
    count: Mapped[int] = mapped_column(default=0)
    counted_at: Mapped[datetime] = mapped_column(default=utcnow)


scope.narrow(QualityCount, villages=lambda ids: QualityCount.village_id.in_(ids))
