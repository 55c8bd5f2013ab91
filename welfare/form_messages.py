"""WTForms' and Flask-WTF's built-in messages, translated in our own catalogue (domain
auth): WTForms' own catalogues give Simplified Chinese for zh_Hant_TW. The lists below
exist only so that extraction finds the msgids; `translations` is what forms use."""

from flask import has_request_context
from flask_babel import get_translations


def N_(text):
    return text


def ngettext(singular, plural):  # an extraction marker, not gettext's ngettext
    return singular, plural


MESSAGES = (
    N_("Invalid field name '%s'."),
    N_("Field must be equal to %(other_name)s."),
    ngettext("Field must be at least %(min)d character long.",
             "Field must be at least %(min)d characters long."),
    ngettext("Field cannot be longer than %(max)d character.",
             "Field cannot be longer than %(max)d characters."),
    ngettext("Field must be exactly %(max)d character long.",
             "Field must be exactly %(max)d characters long."),
    N_("Field must be between %(min)d and %(max)d characters long."),
    N_("Number must be at least %(min)s."),
    N_("Number must be at most %(max)s."),
    N_("Number must be between %(min)s and %(max)s."),
    N_("Date must be at least %(min)s."),
    N_("Date must be at most %(max)s."),
    N_("Date must be between %(min)s and %(max)s."),
    N_("This field is required."),
    N_("Invalid input."),
    N_("Invalid email address."),
    N_("Invalid IP address."),
    N_("Invalid Mac address."),
    N_("Invalid URL."),
    N_("Invalid UUID."),
    N_("Invalid value, must be one of: %(values)s."),
    N_("Invalid value, can't be any of: %(values)s."),
    N_("This field cannot be edited."),
    N_("This field is disabled and cannot have a value."),
    N_("Invalid CSRF Token."),
    N_("CSRF token missing."),
    N_("CSRF failed."),
    N_("CSRF token expired."),
    N_("Invalid Choice: could not coerce."),
    N_("Choices cannot be None."),
    N_("Not a valid choice."),
    N_("Invalid choice(s): one or more data inputs could not be coerced."),
    ngettext("'%(value)s' is not a valid choice for this field.",
             "'%(value)s' are not valid choices for this field."),
    N_("Not a valid datetime value."),
    N_("Not a valid date value."),
    N_("Not a valid time value."),
    N_("Not a valid week value."),
    N_("Not a valid integer value."),
    N_("Not a valid decimal value."),
    N_("Not a valid float value."),
    N_("File does not have an approved extension."),
)


class Translations:
    """The gettext/ngettext pair WTForms asks its meta for, read from the app's catalogues
    in the request's language (untranslated outside a request)."""

    def gettext(self, string):
        if not has_request_context():
            return string
        return get_translations().ugettext(string)

    def ngettext(self, singular, plural, n):
        if not has_request_context():
            return singular if n == 1 else plural
        return get_translations().ungettext(singular, plural, n)


translations = Translations()
