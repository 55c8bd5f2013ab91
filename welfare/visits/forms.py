"""Visit forms: field checks only; services apply the rules."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from welfare.forms import RocDateField, TextForm
from welfare.visits.labels import (
    ASSESSMENT_LABELS,
    CLOSE_LABELS,
    KIND_LABELS,
    NEEDS_LABELS,
    OUTCOME_LABELS,
    VALUE_LABELS,
)


class VisitForm(TextForm):
    uuid = HiddenField()
    volunteer_id = SelectField(_l("Visit made by"), coerce=int, validators=[Optional()])
    kind = RadioField(_l("How did you make contact?"), choices=list(KIND_LABELS.items()),
                      validators=[InputRequired(_l("Choose how you made contact."))])
    outcome = RadioField(_l("What happened?"), choices=list(OUTCOME_LABELS.items()),
                         validators=[InputRequired(_l("Choose what happened."))])
    visited_on = RocDateField(_l("Date"), required=True)
    visited_time = StringField(_l("Time (24-hour, like 14:30)"),
                               validators=[DataRequired(_l("Enter the time.")), Length(max=5)],
                               render_kw={"class": "short", "inputmode": "numeric",
                                          "autocomplete": "off"})
    duration_minutes = IntegerField(_l("Minutes spent"), default=0,
                                    validators=[Optional(), NumberRange(min=0, max=1440)],
                                    render_kw={"class": "short", "inputmode": "numeric"})
    needs = SelectMultipleField(_l("Needs noticed"), choices=list(NEEDS_LABELS.items()),
                                validators=[Optional()])
    referral = BooleanField(_l("Refer to a social worker"))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=4000)])


def add_assessment_fields(form_class):
    """One optional quick-tap question per assessment dimension."""
    for code, label in ASSESSMENT_LABELS.items():
        setattr(form_class, f"a_{code}", RadioField(
            label, choices=[("", _l("Not asked"))] + list(VALUE_LABELS.items()), default="",
            validators=[Optional()]))
    return form_class


add_assessment_fields(VisitForm)


class VolunteerForm(TextForm):
    user_id = SelectField(_l("Sign-in account"), coerce=int, validators=[Optional()])
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the name.")),
                                               Length(max=60)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)],
                        render_kw={"type": "tel", "class": "short"})
    care_point = StringField(_l("Community care point"), validators=[Optional(),
                                                                     Length(max=100)])
    villages = SelectMultipleField(_l("Villages"), coerce=int, validators=[Optional()])
    active = BooleanField(_l("Active"), default=True)


class AssignForm(TextForm):
    primary_id = SelectField(_l("Primary volunteer"), coerce=int,
                             validators=[DataRequired(_l("Choose the primary volunteer."))])
    backup_id = SelectField(_l("Backup volunteer"), coerce=int, validators=[Optional()])


class RuleForm(TextForm):
    interval_days = IntegerField(_l("At least one contact every (days)"),
                                 validators=[InputRequired(), NumberRange(min=1, max=366)],
                                 render_kw={"class": "short", "inputmode": "numeric"})
    contacts_per_month = IntegerField(_l("Contacts a month (as published)"),
                                      validators=[Optional(), NumberRange(min=0, max=31)],
                                      render_kw={"class": "short", "inputmode": "numeric"})
    counted_kinds = SelectMultipleField(_l("Kinds of contact that count"),
                                        choices=list(KIND_LABELS.items()))
    in_person_every_days = IntegerField(_l("In person at least every (days; empty: no minimum)"),
                                        validators=[Optional(), NumberRange(min=1, max=366)],
                                        render_kw={"class": "short", "inputmode": "numeric"})


class CloseAlertForm(TextForm):
    outcome = RadioField(_l("How did it end?"), choices=list(CLOSE_LABELS.items()),
                         validators=[InputRequired(_l("Choose how it ended."))])
    notes = TextAreaField(_l("What was done"), validators=[Optional(), Length(max=2000)])
    confirm_register = BooleanField(_l("I have confirmed this: change the register"))
    happened_on = RocDateField(_l("Date of death or move"))


class NoteForm(TextForm):
    notes = TextAreaField(_l("What was done"),
                          validators=[DataRequired(_l("Write what was done.")),
                                      Length(max=2000)])


class SweepForm(TextForm):
    reason = StringField(_l("Reason"), validators=[DataRequired(_l("Say why.")),
                                                   Length(max=100)],
                         render_kw={"placeholder": ""})
    villages = SelectMultipleField(_l("Villages"), coerce=int,
                                   validators=[DataRequired(_l("Choose at least one village."))])
