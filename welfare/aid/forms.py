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

from welfare.aid.labels import BANK_LABELS, DOCUMENT_LABELS, METHOD_LABELS, REFERRER_LABELS
from welfare.forms import RocDateField, TextForm

AMOUNT = {"class": "medium", "inputmode": "numeric"}


class ApplicationForm(TextForm):
    applicant_id_number = StringField(
        _l("Applicant's ID number"), validators=[Optional(), Length(max=20)],
        render_kw={"class": "medium", "autocomplete": "off"})
    applicant_name = StringField(_l("Applicant's name (if not on the register)"),
                                 validators=[Optional(), Length(max=60)])
    village_id = SelectField(_l("Village (if not on the register)"), coerce=int)
    address = StringField(_l("Address (if not on the register)"),
                          validators=[Optional(), Length(max=200)])
    household_size = IntegerField(_l("People in the household"), default=1,
                                  validators=[InputRequired(), NumberRange(1, 30)],
                                  render_kw={"class": "short", "inputmode": "numeric"})
    contact = StringField(_l("Applicant's phone"), validators=[Optional(), Length(max=100)])
    cause_id = SelectField(_l("Cause"), coerce=int)
    what_happened = TextAreaField(_l("What happened to them"),
                                  validators=[DataRequired(), Length(max=4000)])
    happened_on = RocDateField(_l("When it happened"), required=True)
    applied_on = RocDateField(_l("Applied on"), required=True)
    documents_seen = SelectMultipleField(_l("Documents seen"),
                                         choices=list(DOCUMENT_LABELS.items()))
    referred_by = SelectField(_l("Referred by"), choices=list(REFERRER_LABELS.items()),
                              default="self")
    referrer_name = StringField(_l("Name of the village chief or social worker"),
                                validators=[Optional(), Length(max=60)])

    def as_data(self):
        return {name: getattr(self, name).data for name in (
            "applicant_id_number", "applicant_name", "village_id", "address", "household_size",
            "contact", "cause_id", "what_happened", "happened_on", "applied_on",
            "documents_seen", "referred_by", "referrer_name")}


class AssessmentForm(TextForm):
    stated_income = IntegerField(_l("Household income per month, as stated (NT$)"),
                                 validators=[InputRequired(), NumberRange(0, 10_000_000)],
                                 render_kw=AMOUNT)
    stated_assets = IntegerField(_l("Savings and property, as stated (NT$)"),
                                 validators=[InputRequired(), NumberRange(0, 1_000_000_000)],
                                 render_kw=AMOUNT)
    visit_notes = TextAreaField(_l("Home visit notes"),
                                validators=[DataRequired(), Length(max=4000)])
    proposed_amount = IntegerField(_l("Proposed amount (NT$)"),
                                   validators=[InputRequired()], render_kw=AMOUNT)

    def as_data(self):
        return {name: getattr(self, name).data for name in (
            "stated_income", "stated_assets", "visit_notes", "proposed_amount")}


class DecisionForm(TextForm):
    decision = RadioField(_l("Decision"), choices=[("approve", _l("Approve")),
                                                   ("refuse", _l("Refuse"))],
                          validators=[InputRequired()])
    approved_amount = IntegerField(_l("Approved amount (NT$)"), validators=[Optional()],
                                   render_kw=AMOUNT)
    refusal_reason = TextAreaField(_l("Reason for refusal"),
                                   validators=[Optional(), Length(max=2000)])
    decided_on = RocDateField(_l("Decided on"), required=True)


class PaymentForm(TextForm):
    method = RadioField(_l("How it is paid"), choices=list(METHOD_LABELS.items()),
                        default="counter", validators=[InputRequired()])
    paid_on = RocDateField(_l("Paid on"), required=True)
    proxy_name = StringField(_l("Proxy's name"), validators=[Optional(), Length(max=60)])
    proxy_id_number = StringField(_l("Proxy's ID number"),
                                  validators=[Optional(), Length(max=20)])
    proxy_relationship = StringField(_l("Relationship to the applicant"),
                                     validators=[Optional(), Length(max=30)])
    seal_checked = BooleanField(_l("Both ID cards and the applicant's seal (or signed "
                                   "authorisation) checked"))
    bank = SelectField(_l("Bank"), choices=list(BANK_LABELS.items()), validate_choice=False)
    account_number = StringField(_l("Account number"), validators=[Optional(), Length(max=30)])
    confirmed = BooleanField(_l("I have checked the case, the amount and who receives it"),
                             validators=[DataRequired()])

    def proxy(self):
        return {"name": self.proxy_name.data, "id_number": self.proxy_id_number.data,
                "relationship": self.proxy_relationship.data,
                "seal_checked": self.seal_checked.data}

    def bank_account(self):
        return {"bank": self.bank.data, "account_number": self.account_number.data}


class ReversalForm(TextForm):
    reason = StringField(_l("Why is this payment wrong?"),
                         validators=[DataRequired(), Length(max=200)])
    recover = RadioField(_l("Is the money to be recovered (應追繳)?"),
                         choices=[("yes", _l("Yes, to be recovered")),
                                  ("no", _l("No, nothing to recover"))],
                         validators=[Optional()])


class RecoveryForm(TextForm):
    returned_on = RocDateField(_l("Returned on"), required=True)
    note = StringField(_l("How it came back (receipt number, transfer)"),
                       validators=[Optional(), Length(max=200)])


class BankResultForm(TextForm):
    file = FileField(_l("The bank's result file (CSV or Excel)"))


class CauseForm(TextForm):
    code = StringField(_l("Code (for files and statistics; cannot be changed)"),
                       validators=[Optional(), Length(max=30)],
                       render_kw={"class": "medium", "autocomplete": "off"})
    name_zh = StringField(_l("Name in Chinese"), validators=[DataRequired(), Length(max=40)])
    name_en = StringField(_l("Name in English"), validators=[DataRequired(), Length(max=80)])
    max_amount = IntegerField(_l("Most one case may receive (NT$)"),
                              validators=[InputRequired(), NumberRange(1, 10_000_000)],
                              render_kw=AMOUNT)
    active = BooleanField(_l("In use (offered for new applications)"), default=True)

    def as_data(self):
        return {name: getattr(self, name).data for name in (
            "code", "name_zh", "name_en", "max_amount", "active")}


class LimitsForm(TextForm):
    household_year_max = IntegerField(
        _l("Most one household may receive in a calendar year (NT$)"),
        validators=[Optional(), NumberRange(1, 100_000_000)], render_kw=AMOUNT)
