"""Delivery stops follow a merged person to the kept record; both on one event is refused."""

import sqlalchemy as sa
from flask_babel import gettext as _

from welfare.delivery.models import DeliveryStop
from welfare.extensions import db
from welfare.roster.merge_signals import follow_merges, merge_refusals


def refusals(_sender, kept, merged):
    """Both records with a stop on one delivery event."""
    kept_events = sa.select(DeliveryStop.event_id).where(DeliveryStop.person_id == kept.id)
    shared = db.session.scalar(sa.select(sa.func.count()).select_from(DeliveryStop).where(
        DeliveryStop.person_id == merged.id, DeliveryStop.event_id.in_(kept_events)))
    if shared:
        return [_("Both records have a stop on the same delivery event: remove one stop "
                  "before the merge.")]
    return []


merge_refusals.connect(refusals)
follow_merges(DeliveryStop.person_id)
