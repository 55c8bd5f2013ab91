"""Round, payout and upload forms: field checks only; services check the rules."""

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
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from welfare.forms import RocDateField, TextForm
from welfare.rounds.rules import PROGRAMMES, RoundRules, Tier

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
TIER_ROWS = 5


class RoundForm(TextForm):
    name = StringField(_l("Name of the round"), validators=[DataRequired(), Length(max=100)])
    festival = SelectField(_l("Festival"), choices=list(FESTIVAL_LABELS.items()))
    year = IntegerField(_l("Year (AD)"), validators=[InputRequired(),
                                                     NumberRange(2000, 2100)])
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
            exclude_rounds=tuple(self.exclude_rounds.data or ()))
        return {"name": self.name.data, "festival": self.festival.data, "year": self.year.data,
                "payout_start": self.payout_start.data, "payout_end": self.payout_end.data,
                "late_claim_end": self.late_claim_end.data, "notes": self.notes.data or "",
                "rules": rules}

    def load(self, data):
        rules = data["rules"]
        for key in ("name", "festival", "year", "payout_start", "payout_end",
                    "late_claim_end", "notes"):
            if key in data:
                getattr(self, key).data = data[key]
        self.reference_date.data = rules.reference_date
        self.born_by_general.data = rules.born_by.get("general")
        self.born_by_indigenous.data = rules.born_by.get("indigenous")
        self.registered_by.data = rules.registered_by
        self.still_registered_on.data = rules.still_registered_on
        self.exclude_programmes.data = list(rules.exclude_programmes)
        self.exclude_rounds.data = list(rules.exclude_rounds)


class CopyForm(TextForm):
    name = StringField(_l("Name of the new round"), validators=[DataRequired(), Length(max=100)])
    year = IntegerField(_l("Year (AD)"), validators=[InputRequired(), NumberRange(2000, 2100)])


class LookupForm(TextForm):
    class Meta:
        csrf = False

    q = StringField(_l("ID number or sheet code"), validators=[DataRequired()])


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
