from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from welfare.forms import RocDateField, TextForm
from welfare.inquiries.labels import CHANNEL_LABELS


class InquiryForm(TextForm):
    channel = SelectField(_l("Channel"), choices=list(CHANNEL_LABELS.items()))
    topic_id = SelectField(_l("Topic"), coerce=int)
    asker_name = StringField(_l("Who asked"), validators=[Optional(), Length(max=60)])
    asker_contact = StringField(_l("How to reach them (phone or e-mail)"),
                                validators=[Optional(), Length(max=100)])
    person_id_number = StringField(_l("About whom: ID number (optional)"),
                                   validators=[Optional(), Length(max=20)],
                                   render_kw={"class": "medium", "autocomplete": "off"})
    village_id = SelectField(_l("Village"), coerce=int)
    text = TextAreaField(_l("What they asked"), validators=[DataRequired(), Length(max=4000)])
    owner_id = SelectField(_l("Owner"), coerce=int)
    received_on = RocDateField(_l("Received on"), required=True)

    def as_data(self):
        return {name: getattr(self, name).data for name in (
            "channel", "topic_id", "asker_name", "asker_contact", "person_id_number",
            "village_id", "text", "owner_id", "received_on")}


class ResponseForm(TextForm):
    response = TextAreaField(_l("Response"), validators=[DataRequired(), Length(max=4000)])
    responded_on = RocDateField(_l("Answered on"), required=True)
    satisfaction = IntegerField(_l("Satisfaction, 1 (poor) to 5 (very good), if they said"),
                                validators=[Optional(), NumberRange(1, 5)],
                                render_kw={"class": "short", "inputmode": "numeric"})
