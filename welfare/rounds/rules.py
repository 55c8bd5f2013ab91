"""Pure elder-gift rules: who is eligible, which tier, which outcome, which claim window."""

from dataclasses import asdict, dataclass, field
from datetime import date, timedelta

from welfare.core.rocdate import age_on, birth_cutoff

FESTIVALS = ("spring", "dragon_boat", "double_ninth", "other")
GROUPS = ("general", "indigenous")
PROGRAMMES = ("low_income", "mid_low_income", "isolated_elder")
OUTCOMES = ("elder", "proxy", "bank", "not_found", "deceased", "moved_out", "waived", "forfeited")
PAID_OUTCOMES = ("elder", "proxy", "bank")
# Outcomes a clerk records; "forfeited" only comes from closing the round.
RECORDABLE = OUTCOMES[:-1]
# 未遇 is provisional: the elder may still come and claim, so it can be superseded.
PROVISIONAL = ("not_found",)
NEAR_DAYS = 31

# 重陽節 (9th day of the 9th lunar month); there is no lunar calendar in the stack,
# so the dates are a table and staff can change the still-registered date per round.
DOUBLE_NINTH = {
    2024: date(2024, 10, 11), 2025: date(2025, 10, 29), 2026: date(2026, 10, 18),
    2027: date(2027, 10, 8), 2028: date(2028, 10, 26), 2029: date(2029, 10, 16),
    2030: date(2030, 10, 5),
}
SPRING_FESTIVAL = {
    2025: date(2025, 1, 29), 2026: date(2026, 2, 17), 2027: date(2027, 2, 6),
    2028: date(2028, 1, 26), 2029: date(2029, 2, 13), 2030: date(2030, 2, 3),
}
DRAGON_BOAT = {
    2025: date(2025, 5, 31), 2026: date(2026, 6, 19), 2027: date(2027, 6, 9),
    2028: date(2028, 5, 28), 2029: date(2029, 6, 16), 2030: date(2030, 6, 5),
}


@dataclass(frozen=True)
class Tier:
    min_age: int
    max_age: int | None
    amount: int
    groups: tuple = GROUPS

    @property
    def label(self):
        return f"{self.min_age}+" if self.max_age is None else f"{self.min_age}-{self.max_age}"

    def covers(self, age, group):
        return group in self.groups and age >= self.min_age and (
            self.max_age is None or age <= self.max_age)


@dataclass(frozen=True)
class RoundRules:
    reference_date: date
    born_by: dict
    registered_by: date | None
    still_registered_on: date | None
    tiers: tuple
    exclude_programmes: tuple = ()
    exclude_rounds: tuple = ()
    # Inclusion by status: programme names, or "low_income:CODE" for one 款別; empty = all.
    include_statuses: tuple = ()
    # Household rounds: {"base", "per_member", "max_members"}, or a table by status.
    household_amount: dict | None = None
    status_amounts: dict = field(default_factory=dict)
    # "Not if already paid in round X": rounds whose paid outcomes exclude.
    exclude_paid_rounds: tuple = ()
    # "Only if not in an institution": a stay (機構安置) on the still-registered date excludes.
    exclude_institution: bool = False

    def to_json(self):
        data = asdict(self)
        data["reference_date"] = self.reference_date.isoformat()
        data["born_by"] = {g: d.isoformat() for g, d in self.born_by.items()}
        for key in ("registered_by", "still_registered_on"):
            data[key] = data[key].isoformat() if data[key] else None
        data["tiers"] = [dict(asdict(t), groups=list(t.groups)) for t in self.tiers]
        data["exclude_programmes"] = list(self.exclude_programmes)
        data["exclude_rounds"] = list(self.exclude_rounds)
        data["include_statuses"] = list(self.include_statuses)
        data["exclude_paid_rounds"] = list(self.exclude_paid_rounds)
        return data

    @classmethod
    def from_json(cls, data):
        def day(value):
            return date.fromisoformat(value) if value else None

        return cls(
            reference_date=day(data["reference_date"]),
            born_by={g: day(v) for g, v in data["born_by"].items() if v},
            registered_by=day(data.get("registered_by")),
            still_registered_on=day(data.get("still_registered_on")),
            tiers=tuple(Tier(t["min_age"], t.get("max_age"), int(t["amount"]),
                             tuple(t.get("groups") or GROUPS)) for t in data["tiers"]),
            exclude_programmes=tuple(data.get("exclude_programmes") or ()),
            exclude_rounds=tuple(int(r) for r in data.get("exclude_rounds") or ()),
            include_statuses=tuple(data.get("include_statuses") or ()),
            household_amount=data.get("household_amount") or None,
            status_amounts={k: int(v) for k, v in (data.get("status_amounts") or {}).items()},
            exclude_paid_rounds=tuple(int(r) for r in data.get("exclude_paid_rounds") or ()),
            exclude_institution=bool(data.get("exclude_institution")),
        )

    @property
    def institution_day(self):
        """The day an institution stay is looked at: the still-registered date."""
        return self.still_registered_on or self.reference_date


KAOHSIUNG_TIERS = (
    Tier(55, 64, 1500, ("indigenous",)),
    Tier(65, 89, 1500),
    Tier(90, 99, 5000),
    Tier(100, None, 10000),
)


def festival_day(festival, year):
    """The festival's date in a year (1 October when the table has no entry)."""
    table = {"double_ninth": DOUBLE_NINTH, "spring": SPRING_FESTIVAL,
             "dragon_boat": DRAGON_BOAT}.get(festival, {})
    return table.get(year, date(year, 10, 1))


def default_rules(festival, year):
    """Kaohsiung's Double Ninth rules for a year: 65 (indigenous 55) by 31 December,
    registered by the last 30 June before the festival, still registered 30 days before it."""
    reference = date(year, 12, 31)
    day = festival_day(festival, year)
    registered_by = date(year, 6, 30) if date(year, 6, 30) < day else date(year - 1, 6, 30)
    return RoundRules(
        reference_date=reference,
        born_by={"general": birth_cutoff(65, reference), "indigenous": birth_cutoff(55, reference)},
        registered_by=registered_by,
        still_registered_on=festival_day(festival, year) - timedelta(days=30),
        tiers=KAOHSIUNG_TIERS,
    )


def default_window(festival, year):
    """(payout start, payout end, late claims end): festival to 31 Oct, claims to 31 Dec."""
    start = festival_day(festival, year)
    if festival == "double_ninth":
        return start, max(start, date(year, 10, 31)), date(year, 12, 31)
    return start - timedelta(days=14), start + timedelta(days=30), start + timedelta(days=90)


@dataclass(frozen=True)
class PersonFacts:
    birth_date: date
    indigenous: bool = False
    registered_on: date | None = None
    status: str = "registered"
    status_date: date | None = None
    programmes: frozenset = field(default_factory=frozenset)
    rounds: frozenset = field(default_factory=frozenset)
    merged: bool = False
    paid_rounds: frozenset = field(default_factory=frozenset)
    in_institution: bool = False


@dataclass(frozen=True)
class Assessment:
    eligible: bool
    reason: str
    tier: Tier | None = None
    near_miss: str | None = None
    days: int = 0

    @property
    def amount(self):
        return self.tier.amount if self.tier and self.eligible else 0


def group_of(indigenous):
    return "indigenous" if indigenous else "general"


def cutoff_for(group, rules):
    """The latest birth date for a group; groups without their own cut-off use 'general'."""
    return rules.born_by.get(group) or rules.born_by["general"]


def still_registered(status, status_date, on):
    """Registered on `on`: still registered, or left/died strictly after that day."""
    if on is None or status == "registered":
        return True
    return status_date is not None and status_date > on


def registered_in_time(registered_on, by):
    """Older records lack the registration date; they count as registered long ago."""
    return by is None or registered_on is None or registered_on <= by


def tier_for(age, group, tiers):
    """The first tier covering the age for the group, else None."""
    for tier in sorted(tiers, key=lambda t: -t.min_age):
        if tier.covers(age, group):
            return tier
    return None


def assess(person, rules):
    """Eligibility with a reason code, tier, and a near miss for staff to review."""
    group = group_of(person.indigenous)
    cutoff = max(cutoff_for(group, rules), rules.born_by["general"])
    if person.merged:
        return Assessment(False, "merged")
    if person.birth_date > cutoff:
        days = (person.birth_date - cutoff).days
        return _miss("too_young", "born_after_cutoff", days)
    if not registered_in_time(person.registered_on, rules.registered_by):
        days = (person.registered_on - rules.registered_by).days
        return _miss("registered_late", "registered_late", days)
    if not still_registered(person.status, person.status_date, rules.still_registered_on):
        if person.status_date is None:
            return Assessment(False, person.status)
        days = (rules.still_registered_on - person.status_date).days
        return _miss(person.status, "left_shortly_before", days + 1)
    if rules.exclude_institution and person.in_institution:
        return Assessment(False, "in_institution")
    if set(rules.exclude_programmes) & set(person.programmes):
        return Assessment(False, "other_programme")
    if set(rules.exclude_rounds) & set(person.rounds):
        return Assessment(False, "other_round")
    if set(rules.exclude_paid_rounds) & set(person.paid_rounds):
        return Assessment(False, "paid_elsewhere")
    if rules.include_statuses and not set(rules.include_statuses) & set(person.programmes):
        return Assessment(False, "no_status")
    tier = tier_for(age_on(person.birth_date, rules.reference_date), group, rules.tiers)
    if tier is None:
        return Assessment(False, "no_tier")
    by_group = group == "indigenous" and person.birth_date > rules.born_by["general"]
    return Assessment(True, "indigenous" if by_group else "age", tier)


def _miss(reason, near, days):
    return Assessment(False, reason, near_miss=near if 0 < days <= NEAR_DAYS else None, days=days)


def tier_birth_ranges(rules):
    """Each tier as (tier, earliest birth or None, latest birth) on the reference date,
    so the database can pick tiers by birth date without computing ages."""
    ranges = []
    for tier in rules.tiers:
        latest = birth_cutoff(tier.min_age, rules.reference_date)
        earliest = None
        if tier.max_age is not None:
            earliest = birth_cutoff(tier.max_age + 1, rules.reference_date) + timedelta(days=1)
        ranges.append((tier, earliest, latest))
    return sorted(ranges, key=lambda r: -r[0].min_age)


def claim_window(on, payout_start, payout_end, late_end):
    """'early', 'open', 'late' (late claims) or 'closed' for a payout date."""
    if on < payout_start:
        return "early"
    if on <= payout_end:
        return "open"
    if late_end is not None and on <= late_end:
        return "late"
    return "closed"


HOME_DELIVERY_AGE = 100


def home_delivery_cutoff(reference_date):
    """Latest birth date of those visited at home: centenarians on the reference date."""
    return birth_cutoff(HOME_DELIVERY_AGE, reference_date)


def delivered_at_home(birth_date, reference_date, bank):
    """Centenarians without a bank account on file get their gift at home."""
    return not bank and age_on(birth_date, reference_date) >= HOME_DELIVERY_AGE


def notice_deadline(today, payout_end, late_end):
    """What a home-delivery notice printed today may promise: ('payout', day) while the
    payout window is open, ('late', day) during late claims, None once claims have ended."""
    if today <= payout_end:
        return "payout", payout_end
    if late_end is not None and today <= late_end:
        return "late", late_end
    return None


def can_supersede(current_outcome):
    """A new outcome may replace only a provisional one (未遇) without a manual reversal."""
    return current_outcome in PROVISIONAL


OUTCOME_WORDS = {
    "elder": ("elder", "本人", "本人領取", "已領", "簽領"),
    "proxy": ("proxy", "代領"),
    "bank": ("bank", "轉帳", "匯款", "入帳"),
    "not_found": ("not_found", "未遇", "未領"),
    "deceased": ("deceased", "死亡", "亡故", "歿"),
    "moved_out": ("moved_out", "遷出"),
    "waived": ("waived", "放棄", "拒領"),
}


def outcome_from_word(word):
    """An outcome code from a typed-back sheet's word (本人, 代領, 未遇...), else None."""
    text = (word or "").strip().lower()
    for code, words in OUTCOME_WORDS.items():
        if text in words:
            return code
    return None


def status_keys(programme, category_code=None):
    """The keys a status answers to: the programme, and the programme with its 款別."""
    return {programme} | ({f"{programme}:{category_code}"} if category_code else set())


@dataclass(frozen=True)
class HouseholdFacts:
    size: int
    statuses: frozenset = field(default_factory=frozenset)
    rounds: frozenset = field(default_factory=frozenset)
    paid_rounds: frozenset = field(default_factory=frozenset)
    # Members left out because they live in an institution (not counted in size).
    in_institution: int = 0


@dataclass(frozen=True)
class HouseholdTier:
    label: str
    amount: int


def stay_covers(stays, on):
    """Whether any stay [(started_on, ended_on or None)] covers the day."""
    return any(start <= on and (end is None or end >= on) for start, end in stays)


def household_amount(facts, rules):
    """(label, amount) for a household: the best matching row of the status table, else
    base + per member up to the cap on members; None when no amount applies."""
    if rules.status_amounts:
        found = [(amount, key) for key, amount in rules.status_amounts.items()
                 if key in facts.statuses]
        if not found:
            return None
        amount, key = max(found)
        return key, amount
    plan = rules.household_amount or {}
    if not plan:
        return None
    counted = min(facts.size, int(plan.get("max_members") or facts.size))
    amount = int(plan.get("base") or 0) + int(plan.get("per_member") or 0) * counted
    return (f"{facts.size}p", amount) if amount > 0 else None


def assess_household(facts, rules):
    """Whether a household is paid in a household round, with a reason code and amount."""
    if facts.size < 1:
        return Assessment(False, "in_institution" if facts.in_institution else "no_members")
    if rules.include_statuses and not set(rules.include_statuses) & set(facts.statuses):
        return Assessment(False, "no_status")
    if set(rules.exclude_programmes) & set(facts.statuses):
        return Assessment(False, "other_programme")
    if set(rules.exclude_rounds) & set(facts.rounds):
        return Assessment(False, "other_round")
    if set(rules.exclude_paid_rounds) & set(facts.paid_rounds):
        return Assessment(False, "paid_elsewhere")
    priced = household_amount(facts, rules)
    if priced is None:
        return Assessment(False, "no_tier")
    label, amount = priced
    return Assessment(True, "status", HouseholdTier(label, amount))
