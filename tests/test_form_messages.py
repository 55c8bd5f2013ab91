"""WTForms' and Flask-WTF's built-in messages read in Traditional Chinese (office wording),
never WTForms' own zh catalogue, which is Simplified."""

import re
from datetime import date
from pathlib import Path

import pytest
import wtforms
from babel.messages.pofile import read_po
from flask_babel import force_locale
from werkzeug.datastructures import MultiDict
from wtforms import (
    DateField,
    DecimalField,
    FloatField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms import validators as v

from tests.zh_text import simplified
from welfare.form_messages import MESSAGES
from welfare.forms import Form


def test_the_list_covers_every_message_wtforms_ships():
    pot = Path(wtforms.__file__).parent / "locale" / "wtforms.pot"
    with pot.open("rb") as fh:
        shipped = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    ours = {m if isinstance(m, str) else m[0] for m in MESSAGES}
    assert shipped - ours == set()


def test_wtforms_own_chinese_is_simplified_which_is_why_we_translate():
    # The check would catch the catalogue WTForms gives zh_Hant_TW.
    assert simplified("字段长度不能超过 60 个字符。") == ["个", "过", "长"]


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: m if isinstance(m, str) else m[0])
def test_every_builtin_message_is_traditional(app, message):
    from welfare.form_messages import translations

    with app.test_request_context("/"), force_locale("zh_Hant_TW"):
        if isinstance(message, str):
            shown = [translations.gettext(message)]
        else:
            shown = [translations.ngettext(*message, n) for n in (1, 2)]
    for text in shown:
        assert text not in message, f"untranslated: {message}"
        assert simplified(text) == [], text
        assert any("\u4e00" <= c <= "\u9fff" for c in text)
        bare = re.sub(r"%\(\w+\)[sd]", "", text)
        assert not any(c in bare for c in ",:;!?()"), f"half-width punctuation: {text}"


class Everything(Form):
    class Meta:
        csrf = False

    name = StringField(validators=[v.DataRequired(), v.Length(min=2, max=3)])
    exact = StringField(validators=[v.Length(min=4, max=4)])
    number = IntegerField(validators=[v.NumberRange(min=1, max=99)])
    low = IntegerField(validators=[v.NumberRange(min=1)])
    high = IntegerField(validators=[v.NumberRange(max=9)])
    price = DecimalField()
    ratio = FloatField()
    day = DateField(validators=[v.Optional(), v.DateRange(min=date(2025, 1, 1),
                                                          max=date(2025, 12, 31))])
    kind = SelectField(choices=[("a", "A")])
    many = SelectMultipleField(choices=[("a", "A")])
    link = StringField(validators=[v.URL()])
    same = StringField(validators=[v.EqualTo("name")])
    one_of = StringField(validators=[v.AnyOf(["x"])])
    none_of = StringField(validators=[v.NoneOf(["y"])])
    code = StringField(validators=[v.UUID()])
    ip = StringField(validators=[v.IPAddress()])
    mac = StringField(validators=[v.MacAddress()])


BAD = {"name": "", "exact": "12", "number": "100", "low": "0", "high": "10", "price": "x",
       "ratio": "x", "day": "2024-05-01", "kind": "z", "many": ["z"], "link": "nope",
       "same": "other", "one_of": "z", "none_of": "y", "code": "nope", "ip": "nope",
       "mac": "nope"}


@pytest.mark.parametrize("lang", ["zh_Hant_TW", "en"])
def test_a_posted_form_shows_its_builtin_errors_in_the_chosen_language(app, lang):
    with app.test_request_context(f"/?lang={lang}", method="POST", data=MultiDict(BAD)):
        form = Everything()
        assert not form.validate()
        errors = {name: " ".join(msgs) for name, msgs in form.errors.items()}
    assert set(errors) == set(BAD)
    for name, text in errors.items():
        if lang == "en":
            assert text.isascii(), (name, text)
        else:
            assert simplified(text) == [], (name, text)
            assert any("\u4e00" <= c <= "\u9fff" for c in text), (name, text)
    if lang != "en":
        assert errors["number"] == "數值須介於 1 至 99 之間。"
        assert errors["name"] == "本欄為必填。"
