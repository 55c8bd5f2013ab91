"""Fields shared by every domain's forms."""

import re
import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import ValidationError

from welfare.core import rocdate
from welfare.core.text import strip_invisible
from welfare.form_messages import translations
from welfare.web import show_date


class Form(FlaskForm):
    """Every form: WTForms' built-in messages come from our catalogue (Traditional Chinese
    in office wording), not WTForms' own, which gives Simplified for zh_Hant_TW."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form):
            return translations


class TextForm(Form):
    """A form whose text fields drop invisible characters (zero-width spaces, bidi controls,
    BOM) from what was typed or pasted; passwords are kept exactly as typed."""

    class Meta(Form.Meta):
        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            if isinstance(field, StringField) and not isinstance(field, PasswordField):
                field.filters = (*field.filters, strip_invisible)
            return field


class RocDateField(StringField):
    """Accepts ROC (114/10/15, 1141015, 114年10月15日) or AD (2025-10-15) dates."""

    def __init__(self, label=None, validators=None, required=False, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "numeric", "class": "short",
                                        "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)
        self.required = required

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return show_date(self.data) if self.data else ""

    def process_formdata(self, valuelist):
        self.data = None
        if not valuelist or not (valuelist[0] or "").strip():
            if self.required:
                raise ValueError(_l("Enter a date."))
            return
        try:
            self.data = rocdate.parse(valuelist[0])
        except rocdate.InvalidDate as exc:
            if exc.code == "impossible":
                raise ValueError(_l("This date does not exist; check the month and day.")) from exc
            raise ValueError(
                _l("Enter a date like 114/10/15 (ROC) or 2025-10-15.")
            ) from exc

    def pre_validate(self, form):
        if self.required and self.data is None and not self.errors:
            raise ValueError(_l("Enter a date."))


# A Taiwan phone number as people write it: 07-641-2345, (07) 6412345, 0912 345 678,
# +886 912-345-678, 07-6412345#123; a local number without the area code (641-2345).
_PHONE_SEPARATORS = re.compile(r"[\s\-()（）‐–.]")
_PHONE_EXTENSION = re.compile(r"(?:#|轉|分機|ext\.?|x)\s*(\d{1,6})$", re.IGNORECASE)


def phone_is_valid(text):
    """True for a Taiwan landline or mobile number in any usual written form."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    text = _PHONE_EXTENSION.sub("", text).strip()
    digits = _PHONE_SEPARATORS.sub("", text)
    if digits.startswith("+886"):
        digits = digits[4:]
        digits = digits[1:] if digits.startswith("0") else digits  # +886 (0)7 ...
        return digits.isdigit() and (len(digits) == 9 and digits[0] == "9"
                                     or 8 <= len(digits) <= 9 and digits[0] in "2345678")
    if not digits.isdigit():
        return False
    if digits.startswith("09"):
        return len(digits) == 10
    if digits.startswith("0"):
        return 9 <= len(digits) <= 10 and digits[1] != "0"
    return 7 <= len(digits) <= 8 and digits[0] in "23456789"


class Phone:
    """WTForms validator for phone fields (every domain's forms may use it)."""

    def __init__(self, message=None):
        self.message = message

    def __call__(self, form, field):
        if field.data and not phone_is_valid(field.data):
            raise ValidationError(self.message or _l(
                "Enter a phone number such as 07-6412345, 0912-345678 or +886 912 345 678; "
                "write an extension after #, such as 07-6412345#123."))
