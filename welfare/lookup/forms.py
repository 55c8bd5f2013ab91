from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, ValidationError

from welfare.core import idno
from welfare.forms import RocDateField, TextForm


class LookupForm(TextForm):
    id_number = StringField(_l("ID number"), validators=[DataRequired()],
                            render_kw={"autocomplete": "off", "class": "medium",
                                       "spellcheck": "false", "autocapitalize": "characters"})
    birth_date = RocDateField(_l("Date of birth"), required=True)

    def validate_id_number(self, field):
        # Only the form of the number: whether anyone has it is never said here.
        if not idno.is_valid(field.data):
            raise ValidationError(_l("Enter an ID number like A123456789."))
        field.data = idno.normalise(field.data)
