"""Demo roster: ctx.people residents of the district in households, low-income households,
isolated elders and a few suspected duplicates, written in bulk (COPY on PostgreSQL)."""

from datetime import timedelta

import sqlalchemy as sa

from welfare.auth import audit
from welfare.auth.models import utcnow
from welfare.extensions import db
from welfare.geo import district
from welfare.geo.models import Village
from welfare.roster.demo_elders import elder_rows
from welfare.roster.demo_people import Town, profile_for
from welfare.roster.models import (
    DuplicateFlag,
    EmergencyContact,
    Household,
    HouseholdMember,
    IsolatedElder,
    LowIncomeCategory,
    LowIncomeStatus,
    Person,
)
from welfare.roster.rules import names_similar

CHUNK = 20000
CATEGORY_WEIGHTS = {"L0": 3, "L1": 10, "L2": 22, "L3": 30, "L4": 35}
STATUS_NOTES = ("", "", "", "", "年度總清查通過", "家庭總收入重新核算", "申請時附醫療證明")


def seed(ctx):
    """Fill the roster with ctx.people believable residents of the district's villages."""
    writer = BulkWriter(db.session.connection(), utcnow())
    rows = db.session.execute(sa.select(Village.id, Village.name_zh, Village.code)
                              .order_by(Village.code)).all()
    place = district.of_village_code(rows[0].code) if rows else None
    town = Town(ctx.rng, ctx.today, [r.id for r in rows],
                taken_ids=db.session.scalars(sa.select(Person.id_number)),
                profile=profile_for(place.county, place.name) if place else None,
                village_names={r.id: r.name_zh for r in rows})
    pools = _write_people(ctx, town, writer)
    statuses = _write_low_income(ctx, writer, pools)
    elders = _write_elders(ctx, town, writer, pools)
    pairs = _write_duplicates(ctx, town, writer, pools)
    writer.finish()
    audit.record("seed_demo", actor=ctx.users.get("admin"), entity_type="people",
                 summary=f"demo roster: {writer.counts.get('people', 0)} people, "
                         f"{writer.counts.get('households', 0)} households, "
                         f"{statuses} low-income statuses, {elders} isolated elders, "
                         f"{pairs} duplicate pairs")
    ctx.echo(f"  roster: {writer.counts}")


class BulkWriter:
    """Appends rows with ids assigned here; COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self, connection, now):
        self.connection = connection
        self.postgres = connection.dialect.name == "postgresql"
        self.now = now
        self.next_ids = {}
        self.buffers = {}
        self.counts = {}

    def new_id(self, table):
        if table.name not in self.next_ids:
            self.next_ids[table.name] = self._first_id(table)
        value = self.next_ids[table.name]
        self.next_ids[table.name] = value + 1
        return value

    def _first_id(self, table):
        if self.postgres:
            return self.connection.scalar(
                sa.text("SELECT nextval(pg_get_serial_sequence(:t, 'id'))"), {"t": table.name})
        return (self.connection.scalar(sa.select(sa.func.max(table.c.id))) or 0) + 1

    def add(self, table, row):
        """Queue one row (a dict with every column); returns its id."""
        if "id" not in row:
            row["id"] = self.new_id(table)
        rows = self.buffers.setdefault(table.name, (table, []))[1]
        rows.append(row)
        return row["id"]

    def checkpoint(self):
        """Write the queues once one is long; call it only between whole families of rows."""
        if any(len(rows) >= CHUNK for _, rows in self.buffers.values()):
            self.flush_all()

    def flush_all(self):
        for table in db.metadata.sorted_tables:
            self.flush(table.name)

    def flush(self, name):
        table, rows = self.buffers.get(name, (None, []))
        if not rows:
            return
        if self.postgres:
            columns = list(rows[0])
            cursor = self.connection.connection.driver_connection.cursor()
            with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row[c] for c in columns])
        else:
            self.connection.execute(sa.insert(table), rows)
        self.counts[name] = self.counts.get(name, 0) + len(rows)
        rows.clear()

    def finish(self):
        """Write what is queued, parents first, and move the id sequences past our ids."""
        self.flush_all()
        if self.postgres:
            for name, value in self.next_ids.items():
                self.connection.execute(
                    sa.text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :v)"),
                    {"t": name, "v": value - 1})


def _write_people(ctx, town, writer):
    """Households and their members until ctx.people residents exist."""
    people, households, members = Person.__table__, Household.__table__, HouseholdMember.__table__
    pools = {"households": [], "alone": [], "elders": [], "adults": []}
    made = 0
    while made < ctx.people:
        village, lin, address, indigenous, sketch = town.household()
        phone = town.landline() if ctx.rng.random() < 0.7 else ""
        household_id = writer.new_id(households)
        head_id = None
        take = sketch[: ctx.people - made]
        for member in take:
            values = town.person_values(member, indigenous, phone)
            person_id = writer.add(people, {
                **values, "village_id": village, "neighbourhood": lin, "address": address,
                "notes": "", "merged_into_id": None, "created_at": writer.now,
                "updated_at": writer.now})
            head_id = head_id or person_id
            writer.add(members, {"household_id": household_id, "person_id": person_id,
                                 "relationship_to_head": member["relation"]})
            if values["status"] == "registered":
                entry = (person_id, values["name"], values["sex"], values["birth_date"],
                         village, lin, address)
                if member["age"] >= 65:
                    pools["alone" if len(sketch) == 1 else "elders"].append(entry)
                elif member["age"] >= 25 and ctx.rng.random() < 0.05:
                    pools["adults"].append(entry)
        made += len(take)
        writer.add(households, {
            "id": household_id, "household_no": f"{'ES'[village % 2]}{household_id:07d}",
            "village_id": village, "neighbourhood": lin, "address": address,
            "head_id": head_id, "created_at": writer.now})
        pools["households"].append((household_id, len(sketch) == 1 and sketch[0]["age"] >= 65))
        writer.checkpoint()
    return pools


def _write_low_income(ctx, writer, pools):
    """About 4% of residents' worth of 低收入戶 and half as many 中低收入戶, with periods."""
    rng, today = ctx.rng, ctx.today
    table = LowIncomeStatus.__table__
    categories = dict(
        db.session.execute(sa.select(LowIncomeCategory.code, LowIncomeCategory.id)).all())
    codes = [c for c in CATEGORY_WEIGHTS if c in categories]
    # Elders living alone are twice as likely to be certified.
    weighted = [h for h, alone in pools["households"] for _ in range(2 if alone else 1)]
    wanted = {"low": max(5, round(ctx.people * 0.04)), "mid_low": max(3, round(ctx.people * 0.02))}
    chosen, seen = [], set()
    while len(seen) < min(sum(wanted.values()), len(pools["households"])):
        household = rng.choice(weighted)
        if household not in seen:
            seen.add(household)
            chosen.append(household)
    count = 0
    for n, household in enumerate(chosen):
        kind = "low" if n < wanted["low"] else "mid_low"
        category = categories[rng.choices(codes, [CATEGORY_WEIGHTS[c] for c in codes])[0]] \
            if kind == "low" and codes else None
        # The first few always end within 60 days so the "expiring" list has rows.
        if n % 10 == 0 or n < 3:
            until = today + timedelta(days=rng.randint(0, 60))
        else:
            until = today + timedelta(days=rng.randint(61, 364))
        start = _year_before(until)
        periods = [(start, until)]
        if rng.random() < 0.5:
            periods.append((_year_before(start - timedelta(days=1)), start - timedelta(days=1)))
        if n % 10 == 0 and rng.random() < 0.3:  # renewed already: off the expiring list
            periods.append((until + timedelta(days=1), _year_after(until + timedelta(days=1))))
        for first, last in periods:
            writer.add(table, {"household_id": household, "kind": kind, "category_id": category,
                               "certified_from": first, "certified_until": last,
                               "notes": rng.choice(STATUS_NOTES), "created_at": writer.now})
            count += 1
    return count


def _year_before(until):
    return until - timedelta(days=364)


def _year_after(start):
    return start + timedelta(days=364)


def _write_elders(ctx, town, writer, pools):
    """About 1.3% of residents on the isolated-elder register, mostly living alone."""
    rng = ctx.rng
    wanted = max(10, round(ctx.people * 0.013))
    alone, others = pools["alone"], pools["elders"]
    picked = rng.sample(alone, min(len(alone), round(wanted * 0.9)))
    picked += rng.sample(others, min(len(others), wanted - len(picked)))
    for elder, contacts in elder_rows(rng, ctx.today, town, picked):
        elder_id = writer.add(IsolatedElder.__table__, {**elder, "created_at": writer.now})
        for contact in contacts:
            writer.add(EmergencyContact.__table__, {**contact, "elder_id": elder_id})
        writer.checkpoint()
    return len(picked)


def _write_duplicates(ctx, town, writer, pools):
    """A few second records of the same resident (an old import), flagged for staff."""
    rng = ctx.rng
    source = pools["adults"] or pools["elders"] or pools["alone"]
    pairs = rng.sample(source, min(len(source), max(3, min(8, ctx.people // 2000))))
    for n, (person_id, name, sex, birth, village, lin, address) in enumerate(pairs):
        similar = n == 0 and len(name) > 1
        twin_name = name
        if similar:
            twin_name = name[:-1] + town.given(sex, birth)[1]
            if not names_similar(name, twin_name) or twin_name == name:
                twin_name, similar = name, False
        twin = writer.add(Person.__table__, {
            "id_number": town.id_number(sex), "name": twin_name, "sex": sex,
            "birth_date": birth, "indigenous": False, "phone": "", "mobile": town.mobile(),
            "village_id": village, "neighbourhood": lin if similar else None,
            "address": address if similar else "", "registered_on": None,
            "status": "registered", "status_date": None, "notes": "舊系統匯入",
            "merged_into_id": None, "created_at": writer.now, "updated_at": writer.now})
        writer.add(DuplicateFlag.__table__, {
            "person_a_id": min(person_id, twin), "person_b_id": max(person_id, twin),
            "reason": "similar_name_address" if similar else "name_birth", "status": "open",
            "resolved_by_id": None, "resolved_at": None, "created_at": writer.now})
    return len(pairs)
