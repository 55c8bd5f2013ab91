"""The phone app's sync request (POST /api/v1/visits) in one select: the bearer token, its
account, the volunteer profile, the elder if assigned to that volunteer, and the elder's
open alert and sweep check. Built once as plain Core (no ORM objects on the hot path)."""

import sqlalchemy as sa

from welfare.auth.models import User, utcnow
from welfare.extensions import db
from welfare.roster.models import IsolatedElder, Person
from welfare.visits.models import ApiToken, Assignment, Volunteer
from welfare.visits.recording import FollowUp, follow_up_columns
from welfare.visits.tokens import digest, is_live, needs_touch

_TOKENS, _USERS, _VOLUNTEERS = ApiToken.__table__, User.__table__, Volunteer.__table__
_ASSIGNED, _ELDERS, _PEOPLE = Assignment.__table__, IsolatedElder.__table__, Person.__table__
_ELDER_ID = sa.bindparam("elder_id", type_=sa.Integer)

_CALLER = (
    sa.select(_TOKENS.c.id.label("token_id"), _TOKENS.c.expires_at, _TOKENS.c.revoked_at,
              _TOKENS.c.last_used_at, _USERS.c.id.label("user_id"), _USERS.c.role,
              _USERS.c.is_active_account, _VOLUNTEERS.c.id.label("volunteer_id"),
              _ELDERS.c.id.label("elder_id"), _ELDERS.c.care_level,
              _PEOPLE.c.name.label("elder_name"), *follow_up_columns(_ELDER_ID))
    .select_from(_TOKENS)
    .join(_USERS, _USERS.c.id == _TOKENS.c.user_id)
    .outerjoin(_VOLUNTEERS, _VOLUNTEERS.c.user_id == _USERS.c.id)
    # Same rule as queries.can_see_elder: the volunteer is the primary or the backup.
    .outerjoin(_ASSIGNED, sa.and_(_ASSIGNED.c.elder_id == _ELDER_ID, sa.or_(
        _ASSIGNED.c.primary_id == _VOLUNTEERS.c.id, _ASSIGNED.c.backup_id == _VOLUNTEERS.c.id)))
    .outerjoin(_ELDERS, _ELDERS.c.id == _ASSIGNED.c.elder_id)
    .outerjoin(_PEOPLE, _PEOPLE.c.id == _ELDERS.c.person_id)
    .where(_TOKENS.c.token_hash == sa.bindparam("token_hash"))
)
_TOUCH = (sa.update(_TOKENS).where(_TOKENS.c.id == sa.bindparam("token_id"))
          .values(last_used_at=sa.bindparam("now")))


def caller(raw_token, elder_id, now=None):
    """The token's row joined as above, or None for a missing, wrong, expired or revoked
    token or a disabled account (the same rules as tokens.user_for_token). Runs on the
    session's connection, in the request's transaction."""
    if not raw_token:
        return None
    now = now or utcnow()
    connection = db.session.connection()
    row = connection.execute(_CALLER, {"token_hash": digest(raw_token),
                                       "elder_id": elder_id}).one_or_none()
    if not is_live(row, now) or not row.is_active_account:
        return None
    if needs_touch(row, now):
        connection.execute(_TOUCH, {"token_id": row.token_id, "now": now})
    return row


def follow_up(row):
    return FollowUp(bool(row.open_no_answer), row.check_id, row.sweep_id)
