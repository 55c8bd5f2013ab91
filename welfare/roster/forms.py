from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from welfare.forms import Phone, RocDateField, TextForm

SEX_CHOICES = [("M", _l("Male")), ("F", _l("Female"))]
STATUS_CHOICES = [
    ("registered", _l("Registered")),
    ("moved_out", _l("Moved out")),
    ("deceased", _l("Deceased")),
]
CARE_LEVEL_CHOICES = [
    (1, _l("Level 1: yearly contact")),
    (2, _l("Level 2: monthly contact")),
    (3, _l("Level 3: twice a month")),
    (4, _l("Level 4: four times a month")),
]
RELATIONSHIPS = [
    "本人", "配偶", "子", "女", "父", "母", "孫", "孫女", "媳", "婿", "兄弟姊妹", "其他",
]


class PersonForm(TextForm):
    id_number = StringField(_l("ID number"), validators=[DataRequired(_l("Enter the ID number."))],
                            render_kw={"autocomplete": "off", "class": "short",
                                       "autocapitalize": "characters"})
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter the name.")),
                                               Length(max=60)])
    sex = RadioField(_l("Sex"), choices=SEX_CHOICES,
                     validators=[DataRequired(_l("Choose the sex."))])
    birth_date = RocDateField(_l("Date of birth"), required=True)
    indigenous = BooleanField(_l("Indigenous"))
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30), Phone()],
                        render_kw={"type": "tel", "autocomplete": "off", "class": "short"})
    mobile = StringField(_l("Mobile phone"), validators=[Optional(), Length(max=30), Phone()],
                         render_kw={"type": "tel", "autocomplete": "off", "class": "short"})
    village_id = SelectField(_l("Village"), coerce=int,
                             validators=[DataRequired(_l("Choose a village."))])
    neighbourhood = IntegerField(_l("Neighbourhood (鄰)"),
                                 validators=[Optional(), NumberRange(min=1, max=99)],
                                 render_kw={"inputmode": "numeric", "class": "short"})
    address = StringField(_l("Street address"), validators=[Optional(), Length(max=200)])
    registered_on = RocDateField(_l("Household registration date"))
    status = SelectField(_l("Status"), choices=STATUS_CHOICES, default="registered")
    status_date = RocDateField(_l("Date moved out or died"))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])

    def validate_id_number(self, field):
        """Check the ID number with the other fields, so one submit shows every error."""
        from welfare.roster.services import id_number_error

        message = id_number_error(field.data)
        if message:
            raise ValidationError(message)

    def as_data(self):
        return {name: getattr(self, name).data for name in (
            "id_number", "name", "sex", "birth_date", "indigenous", "phone", "mobile",
            "village_id", "neighbourhood", "address", "registered_on", "status", "status_date",
            "notes",
        )} | {"phone": self.phone.data or "", "mobile": self.mobile.data or "",
              "address": self.address.data or "", "notes": self.notes.data or ""}


class HouseholdForm(TextForm):
    household_no = StringField(_l("Household number (戶號)"), validators=[Optional(),
                                                                        Length(max=20)])
    village_id = SelectField(_l("Village"), coerce=int)
    neighbourhood = IntegerField(_l("Neighbourhood (鄰)"),
                                 validators=[Optional(), NumberRange(min=1, max=99)])
    address = StringField(_l("Street address"), validators=[DataRequired(), Length(max=200)])

    def as_data(self):
        return {"household_no": self.household_no.data or "", "village_id": self.village_id.data,
                "neighbourhood": self.neighbourhood.data, "address": self.address.data}


class MemberForm(TextForm):
    id_number = StringField(_l("ID number of the person to add"),
                            validators=[DataRequired(_l("Enter the ID number."))])
    relationship_to_head = SelectField(_l("Relationship to the head"),
                                       choices=[(r, r) for r in RELATIONSHIPS])
    head = BooleanField(_l("Make this person the head of the household"))


class StatusForm(TextForm):
    kind = RadioField(_l("Status"), choices=[("low", _l("Low-income (低收入戶)")),
                                             ("mid_low", _l("Middle-to-low income (中低收入戶)"))],
                      validators=[DataRequired(_l("Choose a status."))])
    category_id = SelectField(_l("Category (low-income only)"), coerce=int)
    certified_from = RocDateField(_l("Certified from"), required=True)
    certified_until = RocDateField(_l("Certified until"), required=True)
    notes = StringField(_l("Notes"), validators=[Optional(), Length(max=500)])


class ElderForm(TextForm):
    person_id = HiddenField()
    care_level = RadioField(_l("Care level"), coerce=int, choices=CARE_LEVEL_CHOICES,
                            validators=[DataRequired(_l("Choose a care level."))])
    assessed_on = RocDateField(_l("Date of last assessment"))
    assessor = StringField(_l("Assessed by"), validators=[Optional(), Length(max=60)])
    living_situation = StringField(_l("Living situation"), validators=[Optional(),
                                                                      Length(max=200)])
    health_notes = TextAreaField(_l("Health notes (staff only)"), validators=[Optional()])
    sensitive_notes = TextAreaField(_l("Other sensitive notes (staff only)"),
                                    validators=[Optional()])
    active = BooleanField(_l("Active on the register"), default=True)
    inactive_reason = StringField(_l("Reason if not active"), validators=[Optional(),
                                                                         Length(max=200)])

    def as_data(self):
        return {k: getattr(self, k).data for k in (
            "care_level", "assessed_on", "assessor", "living_situation", "health_notes",
            "sensitive_notes", "active", "inactive_reason")} | {
            "assessor": self.assessor.data or "",
            "living_situation": self.living_situation.data or "",
            "health_notes": self.health_notes.data or "",
            "sensitive_notes": self.sensitive_notes.data or "",
            "inactive_reason": self.inactive_reason.data or "",
        }


class ContactForm(TextForm):
    name = StringField(_l("Contact name"), validators=[DataRequired(), Length(max=60)])
    relation = StringField(_l("Relation"), validators=[Optional(), Length(max=30)])
    phone = StringField(_l("Contact phone"), validators=[DataRequired(), Length(max=30), Phone()],
                        render_kw={"type": "tel"})


class FindPersonForm(TextForm):
    id_number = StringField(_l("ID number"), validators=[DataRequired(_l("Enter the ID number."))])


class ConfirmForm(TextForm):
    """A check page's button: nothing to fill, the CSRF token only."""


class InstitutionStayForm(TextForm):
    institution = StringField(_l("Institution"), validators=[DataRequired(
        _l("Enter the name of the institution.")), Length(max=100)])
    started_on = RocDateField(_l("Living there since"), required=True)


class EndStayForm(TextForm):
    ended_on = RocDateField(_l("Last day there"), required=True)
