"""Demo home visits: volunteers per village, assignments, four months of visits,
some overdue elders, an emergency contact chain under way."""

import uuid
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from welfare.auth import audit
from welfare.auth.models import User, utcnow
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.roster.models import IsolatedElder, Person
from welfare.visits import alerts, rules
from welfare.visits.models import Assignment, ContactRule, Visit, Volunteer

SURNAMES = "陳林黃張李王吳劉蔡楊許鄭謝郭洪曾邱廖賴周"
GIVEN = ("秀英", "美玉", "阿滿", "金水", "春花", "志明", "淑芬", "文雄", "麗華", "建國",
         "玉蘭", "正雄", "月娥", "國華", "素珍")
CARE_POINTS = ("林園社區關懷據點", "中門里關懷據點", "港埔里關懷據點", "王公里長青食堂",
               "鳳芸宮關懷據點")
NOTES = ("精神不錯，聊了家常", "血壓藥有按時吃", "膝蓋痛，建議回診", "家裡整潔", "想念孫子",
         "午餐吃據點送餐", "天氣熱，提醒多喝水", "")
HISTORY_DAYS = 120
ELDERS_PER_VOLUNTEER = 12


def seed(ctx):
    """Volunteers with assigned elders, a few months of visits, overdue elders, an alert."""
    _ensure_rules()
    elders = db.session.execute(
        sa.select(IsolatedElder.id, IsolatedElder.care_level, Person.village_id)
        .join(Person).where(IsolatedElder.active.is_(True)).order_by(IsolatedElder.id)).all()
    if not elders:
        ctx.echo("  visits: no isolated elders to visit")
        return
    by_village = {}
    for row in elders:
        by_village.setdefault(row.village_id, []).append(row)
    volunteers = _volunteers(ctx, by_village)
    assignments = _assign(ctx, by_village, volunteers)
    count = _history(ctx, elders, assignments, volunteers)
    alert = _open_alert(ctx, assignments, volunteers)
    audit.record("seed_demo", actor=ctx.users.get("admin"), entity_type="visits",
                 summary=f"demo visits: {len(assignments)} elders assigned, {count} visits")
    team_size = sum(map(len, volunteers[0].values()))
    ctx.echo(f"  visits: {team_size} volunteers, {len(assignments)} assigned elders, "
             f"{count} visits, alert {alert.id if alert else '-'}")


def _ensure_rules():
    if db.session.scalar(sa.select(sa.func.count()).select_from(ContactRule)):
        return
    for level in (1, 2, 3, 4):
        rule = rules.default_rule(level)
        db.session.add(ContactRule(care_level=level, interval_days=rule.interval_days,
                                   contacts_per_month=rule.contacts_per_month,
                                   counted_kinds=list(rule.counted_kinds),
                                   in_person_every_days=rule.in_person_every_days))


def _volunteers(ctx, by_village):
    """One volunteer per dozen elders in each village, plus the demo login."""
    villages = {v.id: v for v in db.session.scalars(sa.select(Village))}
    demo_user = ctx.users.get("volunteer")
    # Hashing one password per account is slow: every demo volunteer shares one hash.
    password_hash = demo_user.password_hash if demo_user else ""
    teams, serial = {}, 0
    for village_id in sorted(by_village):
        wanted = -(-len(by_village[village_id]) // ELDERS_PER_VOLUNTEER)
        for _ in range(wanted):
            serial += 1
            name = _name(ctx.rng)
            user = User(username=f"volunteer{serial:03d}", role="volunteer",
                        password_hash=password_hash, display_name="志工 " + name)
            db.session.add(user)
            teams.setdefault(village_id, []).append(_profile(ctx, user, name,
                                                             [villages[village_id]]))
    demo = None
    if demo_user is not None:
        busiest = sorted(by_village, key=lambda v: -len(by_village[v]))[:2]
        demo = _profile(ctx, demo_user, demo_user.display_name.replace("志工 ", ""),
                        [villages[v] for v in busiest])
    db.session.flush()
    return teams, demo


def _profile(ctx, user, name, villages):
    volunteer = Volunteer(user=user, name=name, phone=f"09{ctx.rng.randrange(10**8):08d}",
                          care_point=ctx.rng.choice(CARE_POINTS), villages=villages,
                          active=user.username == "volunteer" or ctx.rng.random() > 0.04)
    db.session.add(volunteer)
    return volunteer


def _name(rng):
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _assign(ctx, by_village, volunteers):
    """Primary from the village's team, backup from the next one; the demo login
    takes the first dozen elders of the busiest villages."""
    teams, demo = volunteers
    order = sorted(by_village)
    rows, now, demo_count = {}, utcnow(), 0
    demo_villages = {v.id for v in demo.villages} if demo else set()
    for position, village_id in enumerate(order):
        team = teams[village_id]
        others = teams[order[(position + 1) % len(order)]]
        for index, elder in enumerate(sorted(by_village[village_id], key=lambda e: -e.care_level)):
            primary = team[index % len(team)]
            backup = team[(index + 1) % len(team)] if len(team) > 1 else others[0]
            if village_id in demo_villages and demo_count < ELDERS_PER_VOLUNTEER:
                primary, backup, demo_count = demo, primary, demo_count + 1
            rows[elder.id] = (elder, primary, backup if backup.id != primary.id else None)
    db.session.execute(sa.insert(Assignment), [
        {"elder_id": e.id, "primary_id": p.id, "backup_id": b.id if b else None,
         "assigned_at": now} for e, p, b in rows.values()])
    return rows


def _history(ctx, elders, assignments, volunteers):
    """Contacts at each level's interval with jitter; about one elder in seven has lapsed."""
    rng, today = ctx.rng, ctx.today
    rows = []
    for elder in elders:
        _elder, primary, _backup = assignments[elder.id]
        rule = rules.default_rule(elder.care_level)
        lapse = rng.randint(4, 20) if rng.random() < 0.15 else 0
        first = rng.randint(0, min(rule.interval_days, HISTORY_DAYS) - 1)
        day = today - timedelta(days=HISTORY_DAYS - first)
        while day <= today - timedelta(days=lapse):
            rows.append(_visit_row(rng, elder, primary, day, rule))
            day += timedelta(days=max(2, rule.interval_days + rng.randint(-3, 2)))
    for chunk in range(0, len(rows), 5000):
        db.session.execute(sa.insert(Visit), rows[chunk:chunk + 5000])
    return len(rows)


def _visit_row(rng, elder, volunteer, day, rule):
    kinds = [k for k in rule.counted_kinds if k != "message"] or list(rule.counted_kinds)
    kind = rng.choice(kinds + ["home_visit"])
    outcome = rng.choices(("met_well", "met_concerns", "no_answer", "refused"),
                          (85, 6, 7, 2))[0]
    local = datetime.combine(day, time(rng.randint(9, 17), rng.choice((0, 15, 30, 45))))
    visited_at = (local - timedelta(hours=8)).replace(tzinfo=None)
    needs = rng.sample(rules.NEEDS, rng.randint(1, 2)) if outcome == "met_concerns" else None
    data = {"elder_id": elder.id, "kind": kind, "outcome": outcome, "visited_at": visited_at,
            "duration_minutes": rng.choice((10, 20, 30, 45, 60)) if kind != "message" else 2,
            "notes": rng.choice(NOTES) if outcome != "no_answer" else "按門鈴無人回應",
            "needs": needs}
    data.update(uuid=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                content_hash=rules.content_hash(data), volunteer_id=volunteer.id,
                recorded_by_id=volunteer.user_id, referral=False,
                created_at=visited_at + timedelta(minutes=rng.randint(1, 600)))
    return data


def _open_alert(ctx, assignments, volunteers):
    """The demo volunteer found nobody at a level-4 door two hours ago."""
    demo_user = ctx.users.get("volunteer")
    mine = [(e, p) for e, p, _b in assignments.values()
            if demo_user is not None and p.user_id == demo_user.id]
    mine.sort(key=lambda pair: -pair[0].care_level)
    if not mine:
        return None
    row, volunteer = mine[0]
    elder = db.session.get(IsolatedElder, row.id)
    now = utcnow()
    opened = now - timedelta(hours=2)
    visit = Visit(uuid=str(uuid.uuid4()), content_hash="demo", elder_id=elder.id,
                  volunteer_id=volunteer.id, recorded_by_id=volunteer.user_id, kind="home_visit",
                  outcome="no_answer", visited_at=opened, duration_minutes=10,
                  notes="按門鈴無人回應，鄰居說昨天沒看到她")
    db.session.add(visit)
    db.session.flush()
    alert = alerts.open_alert(elder, "no_answer", visit, volunteer.user, opened)
    alert.opened_at = opened
    alerts.escalate_due(now)
    return alert
