from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, Length, Optional

from welfare.auth.models import ROLES
from welfare.forms import Form, RocDateField, TextForm

ROLE_LABELS = {
    "admin": _l("Administrator"),
    "staff": _l("Social affairs staff"),
    "supervisor": _l("Supervisor"),
    "volunteer": _l("Volunteer"),
    "serviceman": _l("Substitute serviceman"),
}


class LoginForm(Form):
    username = StringField(_l("Username"), validators=[DataRequired()],
                           render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired()],
                             render_kw={"autocomplete": "current-password"})


class UserForm(TextForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    display_name = StringField(_l("Name"), validators=[Optional(), Length(max=100)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=30)])
    role = SelectField(_l("Role"), choices=[(r, ROLE_LABELS[r]) for r in ROLES])
    villages = SelectMultipleField(_l("Limited to villages (none selected means all)"),
                                   coerce=int, validators=[Optional()])
    password = PasswordField(_l("Password"), validators=[Optional(), Length(min=8)],
                             render_kw={"autocomplete": "new-password"})
    active = BooleanField(_l("Account active"), default=True)


class PasswordForm(Form):
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(min=8)],
                             render_kw={"autocomplete": "new-password"})


class HolidayForm(TextForm):
    day = RocDateField(_l("Date"), required=True)
    name = StringField(_l("Name of the holiday"), validators=[DataRequired(), Length(max=60)])
