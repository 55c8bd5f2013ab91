"""What the JSON API reads for its caller: the elders they may see, their list with the
day's tasks, and their visits. Office staff see their villages (the scope narrows them);
a volunteer sees the elders assigned to them."""

import sqlalchemy as sa

from welfare.auth.permissions import VOLUNTEERS
from welfare.extensions import db
from welfare.roster.models import IsolatedElder
from welfare.visits import queries
from welfare.visits.models import Assignment, Visit
from welfare.visits.problems import ElderNeeded, NoSuchElder


def elder_id(value):
    """An elder id from JSON or a URL (a number or a string of digits), else None."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**31:
        return None
    return value


def visible_elder(user, value, volunteer=None):
    """The elder `value` names if the caller may see it; raises NoSuchElder otherwise.
    `volunteer` is a volunteer caller's profile when already loaded."""
    found_id = elder_id(value)
    found = None if found_id is None else _load_elder(user, found_id, volunteer)
    if found is None:
        raise NoSuchElder()
    return found


def _load_elder(user, found_id, volunteer):
    # The person's name comes along; the village and household do not (hot path).
    person = sa.orm.joinedload(IsolatedElder.person).lazyload("*")
    if user.role in VOLUNTEERS:
        # Same rule as queries.can_see_elder, folded into the load: one select, not two.
        volunteer = volunteer or queries.volunteer_for(user)
        if volunteer is None:
            return None
        return db.session.scalar(
            sa.select(IsolatedElder).join(Assignment, Assignment.elder_id == IsolatedElder.id)
            .where(IsolatedElder.id == found_id,
                   sa.or_(Assignment.primary_id == volunteer.id,
                          Assignment.backup_id == volunteer.id))
            .options(person))
    found = db.session.get(IsolatedElder, found_id, options=[person])
    if found is None or not queries.can_see_elder(user, found):
        return None
    return found


def elder_rows(user, volunteer, today):
    """The caller's elders as schedule rows, and each one's task today (volunteers only):
    a volunteer's assigned elders, or the office's due board."""
    if user.role not in VOLUNTEERS:
        return queries.board(today, user), {}
    ids = sorted(queries.volunteer_elder_ids(volunteer))
    rows = queries.schedule_rows(today, elder_ids=ids) if ids else []
    return rows, {row.elder_id: kind for kind, row in queries.today_tasks(volunteer, today)}


def elders_by_id(ids):
    return {e.id: e for e in db.session.scalars(
        sa.select(IsolatedElder).where(IsolatedElder.id.in_(ids)))}


def visits_statement(user, volunteer, elder=None):
    """The caller's visits, newest first: of one elder (already checked visible), of a
    volunteer's elders, or all of an office account's (one limited to some villages must
    name the elder: raises ElderNeeded)."""
    stmt = sa.select(Visit).order_by(Visit.visited_at.desc(), Visit.id.desc())
    if elder is not None:
        return stmt.where(Visit.elder_id == elder.id)
    if user.role in VOLUNTEERS:
        return stmt.where(Visit.elder_id.in_(queries.volunteer_elder_ids(volunteer) or {0}))
    if user.village_ids:
        raise ElderNeeded()
    return stmt
