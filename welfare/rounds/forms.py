"""Round, payout and upload forms: field checks only; services check the rules."""

import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from welfare.core.rocdate import ROC_OFFSET
from welfare.forms import RocDateField, TextForm
from welfare.rounds.rules import PROGRAMMES, RoundRules, Tier
from welfare.web import show_year

FESTIVAL_LABELS = {"spring": _l("Spring Festival"), "dragon_boat": _l("Dragon Boat Festival"),
                   "double_ninth": _l("Double Ninth Festival"), "other": _l("Other")}
PROGRAMME_LABELS = {"low_income": _l("Low-income household"),
                    "mid_low_income": _l("Middle-to-low-income household"),
                    "isolated_elder": _l("Isolated elder register")}
OUTCOME_LABELS = {
    "elder": _l("Paid to the elder"), "proxy": _l("Paid to a proxy"),
    "bank": _l("Bank transfer"), "not_found": _l("Not found (未遇)"),
    "deceased": _l("Deceased"), "moved_out": _l("Moved out"), "waived": _l("Waived"),
    "forfeited": _l("Unclaimed, forfeited"), "none": _l("No outcome yet"),
}
UNIT_LABELS = {"person": _l("People (each eligible person)"),
               "household": _l("Households (one payment per household, to the head)")}
HEAD_LABEL = _l("Paid to the head of the household")
KIND_LABELS = {"cash": _l("Cash (NT$)"),
               "goods": _l("Goods (such as 米 2 包), handed over at the counter")}
GOODS_OUTCOME_LABELS = {"elder": _l("Goods handed to the elder"),
                        "proxy": _l("Goods handed to a proxy")}
GOODS_HEAD_LABEL = _l("Goods handed to the head of the household")
TIER_ROWS = 5


def status_label(key, categories=None):
    """低收入戶, or 低收入戶 第1款 for a status key with its 款別 code."""
    programme, _sep, code = key.partition(":")
    label = PROGRAMME_LABELS.get(programme, programme)
    if not code:
        return str(label)
    name = (categories or {}).get(code)
    return f"{label} {name or code}"


def status_choices(categories):
    """Every status key a round can include or price: programmes, then 低收入戶 by 款別."""
    keys = [*PROGRAMMES, *(f"low_income:{code}" for code in categories)]
    return [(key, status_label(key, categories)) for key in keys]


class RocYearField(StringField):
    """A year typed as ROC (116, 民國116年) or AD (2027); kept as AD, shown as ROC in the
    Chinese interface."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "numeric", "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return show_year(self.data) if self.data else ""

    def process_formdata(self, valuelist):
        self.data = None
        text = unicodedata.normalize("NFKC", (valuelist or [""])[0] or "").strip()
        text = text.removeprefix("民國").removesuffix("年度").removesuffix("年").strip()
        if not text:
            raise ValueError(_l("Enter the year."))
        year = int(text) if text.isdigit() else 0
        year = year + ROC_OFFSET if 0 < year < 1000 else year
        if not 2000 <= year <= 2100:
            raise ValueError(_l("Enter a year such as 116 (ROC) or 2027 (AD)."))
        self.data = year


class RoundForm(TextForm):
    name = StringField(_l("Name of the round"), validators=[DataRequired(), Length(max=100)])
    festival = SelectField(_l("Festival"), choices=list(FESTIVAL_LABELS.items()))
    unit = RadioField(_l("Who is paid"), choices=list(UNIT_LABELS.items()), default="person")
    kind = RadioField(_l("What the round gives"), choices=list(KIND_LABELS.items()),
                      default="cash")
    goods_name = StringField(_l("What is handed out"), validators=[Optional(), Length(max=60)])
    goods_unit = StringField(_l("Counted in"), validators=[Optional(), Length(max=10)])
    year = RocYearField(_l("Year of the round"))
    payout_start = RocDateField(_l("Payout starts"), required=True)
    payout_end = RocDateField(_l("Payout ends"), required=True)
    late_claim_end = RocDateField(_l("Late claims end"))
    reference_date = RocDateField(_l("Age is counted on"), required=True)
    born_by_general = RocDateField(_l("Born on or before (general)"), required=True)
    born_by_indigenous = RocDateField(_l("Born on or before (indigenous residents)"))
    registered_by = RocDateField(_l("Registered in the district by"))
    still_registered_on = RocDateField(_l("Still registered on"))
    exclude_programmes = SelectMultipleField(_l("Leave out people in these programmes"),
                                             choices=list(PROGRAMME_LABELS.items()),
                                             validators=[Optional()])
    exclude_rounds = SelectMultipleField(_l("Leave out people on these rounds"), coerce=int,
                                         choices=[], validators=[Optional()])
    include_statuses = SelectMultipleField(_l("Only people or households with these statuses"),
                                           choices=[], validators=[Optional()])
    exclude_paid_rounds = SelectMultipleField(
        _l("Leave out those already paid in these rounds"), coerce=int, choices=[],
        validators=[Optional()])
    exclude_institution = BooleanField(_l("Leave out people living in an institution "
                                          "(排除機構安置者)"))
    household_base = IntegerField(_l("Base amount per household"),
                                  validators=[Optional(), NumberRange(min=0)])
    household_per_member = IntegerField(_l("Amount per member"),
                                        validators=[Optional(), NumberRange(min=0)])
    household_max_members = IntegerField(_l("Members counted at most"),
                                         validators=[Optional(), NumberRange(min=1)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])

    def set_tiers(self, tiers, formdata):
        """Tier rows are plain inputs (min age, max age, amount, indigenous only)."""
        self.tier_rows = []
        for index in range(TIER_ROWS):
            if formdata is not None:
                get = formdata.get
                row = {k: (get(f"tier-{index}-{k}") or "").strip()
                       for k in ("min", "max", "amount")}
                row["indigenous"] = bool(get(f"tier-{index}-indigenous"))
            elif index < len(tiers):
                t = tiers[index]
                row = {"min": str(t.min_age), "max": "" if t.max_age is None else str(t.max_age),
                       "amount": str(t.amount), "indigenous": tuple(t.groups) == ("indigenous",)}
            else:
                row = {"min": "", "max": "", "amount": "", "indigenous": False}
            self.tier_rows.append(row)

    def set_status_amounts(self, amounts, formdata):
        """One amount input per status (the table by 款別); empty rows are left out."""
        self.status_rows = []
        for key, label in self.include_statuses.choices:
            if formdata is not None:
                value = (formdata.get(f"status-amount-{key}") or "").replace(",", "").strip()
            else:
                value = str(amounts[key]) if key in amounts else ""
            self.status_rows.append({"key": key, "label": label, "value": value})

    def status_amounts(self):
        found, self.status_errors = {}, []
        for row in getattr(self, "status_rows", ()):
            if not row["value"]:
                continue
            if not row["value"].isdigit() or int(row["value"]) <= 0:
                self.status_errors.append(row["label"])
                continue
            found[row["key"]] = int(row["value"])
        return found

    def household_plan(self):
        plan = {"base": self.household_base.data, "per_member": self.household_per_member.data,
                "max_members": self.household_max_members.data}
        plan = {k: v for k, v in plan.items() if v is not None}
        return plan or None

    def tiers(self):
        found, self.tier_errors = [], []
        for index, row in enumerate(self.tier_rows, 1):
            if not any((row["min"], row["max"], row["amount"])):
                continue
            try:
                low = int(row["min"])
                high = int(row["max"]) if row["max"] else None
                amount = int(row["amount"].replace(",", ""))
            except ValueError:
                self.tier_errors.append(index)
                continue
            if amount <= 0 or low < 0 or (high is not None and high < low):
                self.tier_errors.append(index)
                continue
            groups = ("indigenous",) if row["indigenous"] else ("general", "indigenous")
            found.append(Tier(low, high, amount, groups))
        return tuple(found)

    def as_data(self):
        born_by = {"general": self.born_by_general.data}
        if self.born_by_indigenous.data:
            born_by["indigenous"] = self.born_by_indigenous.data
        rules = RoundRules(
            reference_date=self.reference_date.data, born_by=born_by,
            registered_by=self.registered_by.data,
            still_registered_on=self.still_registered_on.data, tiers=self.tiers(),
            exclude_programmes=tuple(p for p in self.exclude_programmes.data or ()
                                     if p in PROGRAMMES),
            exclude_rounds=tuple(self.exclude_rounds.data or ()),
            include_statuses=tuple(self.include_statuses.data or ()),
            exclude_paid_rounds=tuple(self.exclude_paid_rounds.data or ()),
            exclude_institution=bool(self.exclude_institution.data),
            household_amount=self.household_plan(), status_amounts=self.status_amounts())
        return {"name": self.name.data, "festival": self.festival.data, "year": self.year.data,
                "unit": self.unit.data, "kind": self.kind.data,
                "goods_name": self.goods_name.data or "", "goods_unit": self.goods_unit.data or "",
                "payout_start": self.payout_start.data, "payout_end": self.payout_end.data,
                "late_claim_end": self.late_claim_end.data, "notes": self.notes.data or "",
                "rules": rules}

    def load(self, data):
        rules = data["rules"]
        for key in ("name", "festival", "unit", "kind", "goods_name", "goods_unit", "year",
                    "payout_start", "payout_end", "late_claim_end", "notes"):
            if key in data:
                getattr(self, key).data = data[key]
        self.reference_date.data = rules.reference_date
        self.born_by_general.data = rules.born_by.get("general")
        self.born_by_indigenous.data = rules.born_by.get("indigenous")
        self.registered_by.data = rules.registered_by
        self.still_registered_on.data = rules.still_registered_on
        self.exclude_programmes.data = list(rules.exclude_programmes)
        self.exclude_rounds.data = list(rules.exclude_rounds)
        self.include_statuses.data = list(rules.include_statuses)
        self.exclude_paid_rounds.data = list(rules.exclude_paid_rounds)
        self.exclude_institution.data = rules.exclude_institution
        plan = rules.household_amount or {}
        self.household_base.data = plan.get("base")
        self.household_per_member.data = plan.get("per_member")
        self.household_max_members.data = plan.get("max_members")


class CopyForm(TextForm):
    name = StringField(_l("Name of the new round"), validators=[DataRequired(), Length(max=100)])
    year = RocYearField(_l("Year of the round"))


class LookupForm(TextForm):
    class Meta:
        csrf = False

    q = StringField(_l("ID number or sheet code"), validators=[Optional()])
    name = StringField(_l("Name"), validators=[Optional(), Length(max=60)])
    birth = RocDateField(_l("Date of birth"))

    def by_name(self):
        """(name, birth date) when both were given and the date is valid, else None."""
        name = (self.name.data or "").strip()
        if not name and not self.birth.raw_data:
            return None
        self.validate()
        if not name:
            self.name.errors = [*self.name.errors, _l("Enter the name.")]
        if self.birth.data is None and not self.birth.errors:
            self.birth.errors = [*self.birth.errors, _l("Enter the date of birth.")]
        if self.name.errors or self.birth.errors:
            return None
        return name, self.birth.data


class PayoutForm(TextForm):
    outcome = RadioField(_l("Outcome"), choices=[(k, OUTCOME_LABELS[k]) for k in (
        "elder", "proxy", "bank", "not_found", "deceased", "moved_out", "waived")],
        default="elder")
    paid_on = RocDateField(_l("Date"))
    proxy_name = StringField(_l("Proxy's name"), validators=[Optional(), Length(max=60)])
    proxy_id_number = StringField(_l("Proxy's ID number"), validators=[Optional(),
                                                                        Length(max=20)])
    proxy_relationship = StringField(_l("Relationship to the elder"),
                                     validators=[Optional(), Length(max=30)])
    seal_checked = BooleanField(_l("Both ID cards and the elder's seal (or signed "
                                   "authorisation) checked"))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=200)])

    def proxy(self):
        return {"name": self.proxy_name.data, "id_number": self.proxy_id_number.data,
                "relationship": self.proxy_relationship.data,
                "seal_checked": self.seal_checked.data}


class ReverseForm(TextForm):
    reason = StringField(_l("Why is this outcome wrong?"), validators=[DataRequired(),
                                                                       Length(max=200)])


class LiftHoldForm(TextForm):
    reason = StringField(_l("Why is the hold wrong?"), validators=[DataRequired(),
                                                                   Length(max=300)])


class SupplementForm(TextForm):
    reason = StringField(_l("Why is this household added after the freeze?"),
                         validators=[DataRequired(), Length(max=300)])


class UploadForm(TextForm):
    file = FileField(_l("Filled-in sheet (CSV or Excel)"))
    mode = RadioField(_l("When some rows have errors"), default="all", choices=[
        ("all", _l("Record nothing until every row is right")),
        ("rows", _l("Record the good rows and list the others"))])


class CloseForm(TextForm):
    confirm = BooleanField(_l("I understand that everyone who has not claimed will be marked "
                              "as forfeited"), validators=[DataRequired()])
    early = BooleanField(_l("Close now, although late claims are still open"))


class SheetForm(TextForm):
    class Meta:
        csrf = False

    village = SelectField(_l("Village"), choices=[])
    per_neighbourhood = BooleanField(_l("One sheet per neighbourhood (鄰)"))
    full_ids = BooleanField(_l("Print full ID numbers (recorded in the audit log)"))
    rows = SelectField(_l("Rows per page"), coerce=int, choices=[
        (10, _l("10 rows: room to sign or stamp")), (15, _l("15 rows")),
        (20, _l("20 rows: dense, smaller boxes"))], validators=[Optional()])
