"""The data set of the access matrix: the demo district (every domain's demo data), a clerk
limited to one village, and for every URL parameter an object outside that clerk's scope (and
outside the demo volunteer's elders and the demo serviceman's routes)."""

import random
from datetime import date, timedelta

import sqlalchemy as sa

from welfare.aid.models import AidBankBatch, AidCase, AidCause, AidPayment
from welfare.auth.models import User, utcnow
from welfare.delivery.models import DeliveryOutcome, DeliveryRoute, DeliveryStop, Vehicle
from welfare.demo.cli import SeedContext, seed_all
from welfare.extensions import db
from welfare.geo.models import Village
from welfare.inquiries.models import Inquiry
from welfare.jobs.models import Job
from welfare.roster.models import (
    DuplicateFlag,
    EmergencyContact,
    Household,
    HouseholdMember,
    InstitutionStay,
    IsolatedElder,
    Person,
    PersonMerge,
)
from welfare.rounds.models import Payout, RoundEntry
from welfare.visits import alerts
from welfare.visits.models import Alert, Assignment, Visit, Volunteer

PASSWORD = "matrix password 1"
DEMO_PEOPLE = 300


def _first(stmt, what):
    found = db.session.scalars(stmt.limit(1)).first()
    assert found is not None, f"the access matrix data set has no {what}"
    return found


def _volunteer_elder_ids(account):
    mine = sa.select(Volunteer.id).where(Volunteer.user_id == account.id)
    return set(db.session.scalars(sa.select(Assignment.elder_id).where(
        sa.or_(Assignment.primary_id.in_(mine), Assignment.backup_id.in_(mine)))))


def _serviceman_route_ids(account):
    return set(db.session.scalars(sa.select(DeliveryRoute.id).join(Vehicle).where(
        Vehicle.user_id == account.id)))


def build(clerk_district=None):
    """Seed, add what the demo lacks (a sweep, a doorstep outcome, a job), pick the ids. The
    clerk is limited to one village, or with `clerk_district` (a town code) to its villages."""
    ctx = SeedContext(rng=random.Random(832), today=date.today(), people=DEMO_PEOPLE,
                      password=PASSWORD, echo=lambda *a, **k: None)
    seed_all(ctx)
    users = dict(ctx.users)
    volunteer, serviceman = users["volunteer"], users["serviceman"]
    theirs_elders = _volunteer_elder_ids(volunteer)
    theirs_routes = _serviceman_route_ids(serviceman)
    stop = _first(sa.select(DeliveryStop).where(DeliveryStop.route_id.is_not(None),
                                                DeliveryStop.route_id.not_in(theirs_routes))
                  .order_by(DeliveryStop.id), "stop on a route")
    if clerk_district is None:
        # The clerk's village: one on a route that also calls elsewhere (a route across
        # villages).
        other_stop = _first(sa.select(DeliveryStop).where(
            DeliveryStop.route_id == stop.route_id, DeliveryStop.village_id != stop.village_id),
            "route across villages")
        mine = stop.village_id
        clerk_villages = [db.session.get(Village, mine)]
    else:  # a district's clerk: every village of the district
        clerk_villages = db.session.scalars(sa.select(Village).where(
            Village.code.startswith(clerk_district))).all()
        mine = clerk_villages[0].id
    theirs = [v.id for v in clerk_villages]
    if clerk_district is not None:
        other_stop = _first(sa.select(DeliveryStop).where(DeliveryStop.village_id.not_in(theirs))
                            .order_by(DeliveryStop.id), "stop of another district")
    clerk = User(username="matrix-clerk", role="staff", display_name="里別承辦")
    clerk.set_password(PASSWORD)
    clerk.villages = clerk_villages
    db.session.add(clerk)
    users["clerk"] = clerk
    for role in ("admin", "staff", "supervisor"):
        users[role].set_password(PASSWORD)
    volunteer.set_password(PASSWORD)
    serviceman.set_password(PASSWORD)

    elder = _first(sa.select(IsolatedElder).join(Person).where(
        Person.village_id.not_in(theirs), IsolatedElder.id.not_in(theirs_elders))
        .order_by(IsolatedElder.id), "elder of another village")
    if not elder.contacts:
        db.session.add(EmergencyContact(elder_id=elder.id, name="他里聯絡人", phone="07-1"))
    household = _first(sa.select(Household).where(Household.village_id.not_in(theirs))
                       .join(HouseholdMember).order_by(Household.id), "household")
    person = household.members[0].person
    stay = db.session.scalars(sa.select(InstitutionStay).where(
        InstitutionStay.person_id == person.id)).first()
    if stay is None:
        stay = InstitutionStay(person_id=person.id, institution="他里機構",
                               started_on=date(2020, 1, 1))
        db.session.add(stay)
    entry = _first(sa.select(RoundEntry).join(Payout, Payout.entry_id == RoundEntry.id)
                   .where(RoundEntry.village_id.not_in(theirs)).order_by(RoundEntry.id),
                   "paid entry of another village")
    payout = _first(sa.select(Payout).where(Payout.entry_id == entry.id), "payout")
    flag = db.session.scalars(sa.select(DuplicateFlag).limit(1)).first()
    if flag is None or {flag.person_a.village_id, flag.person_b.village_id} & set(theirs):
        a, b = sorted(db.session.scalars(sa.select(Person.id).where(
            Person.village_id == person.village_id).limit(2)))
        flag = DuplicateFlag(person_a_id=a, person_b_id=b, reason="name_birth")
        db.session.add(flag)
    db.session.flush()
    merge = PersonMerge(flag_id=flag.id, kept_id=flag.person_a_id, merged_id=flag.person_b_id,
                        moves={}, merged_by_id=users["admin"].id)
    db.session.add(merge)
    outcome = DeliveryOutcome(uuid="00000000-0000-4000-8000-00000000a11e",
                              stop_id=other_stop.id, outcome="delivered", note="他里門口",
                              recorded_at=utcnow(), user_id=users["staff"].id,
                              photo="matrix.jpg")
    db.session.add(outcome)
    db.session.add(Alert(elder_id=elder.id, reason="no_answer", opened_at=utcnow(),
                         deadline_at=utcnow() + timedelta(days=1)))
    sweep = alerts.start_sweep("颱風", [db.session.get(Village, person.village_id)],
                               users["staff"], date.today())
    job = Job(kind="print_sheets", status="done", created_by_id=users["staff"].id,
              result_path="missing.zip", result_name="sheets.zip")
    db.session.add(job)
    db.session.commit()
    ids = {
        "person_id": person.id, "household_id": household.id,
        "member_id": household.members[0].id, "elder_id": elder.id,
        "contact_id": db.session.scalars(sa.select(EmergencyContact.id).where(
            EmergencyContact.elder_id == elder.id)).first(),
        "flag_id": flag.id, "merge_id": merge.id, "stay_id": stay.id,
        "round_id": entry.round_id, "entry_id": entry.id,
        "payout_id": payout.id, "number": 0, "event_id": stop.event_id,
        "route_id": stop.route_id, "stop_id": other_stop.id, "outcome_id": outcome.id,
        "vehicle_id": db.session.scalar(sa.select(sa.func.min(Vehicle.id))),
        "job_id": job.id, "user_id": users["admin"].id,
        "alert_id": _first(sa.select(Alert.id).where(Alert.elder_id == elder.id), "alert"),
        "visit_id": _first(sa.select(Visit.id).where(Visit.elder_id.not_in(theirs_elders))
                           .join(IsolatedElder).join(Person).where(Person.village_id.not_in(theirs)),
                           "visit of another village"),
        "sweep_id": sweep.id,
        "inquiry_id": _first(sa.select(Inquiry.id).where(Inquiry.village_id != mine,
                                                         Inquiry.person_id.is_not(None)),
                             "inquiry of another village"),
        "case_id": _first(sa.select(AidCase.id).where(AidCase.village_id != mine,
                                                      AidCase.status == "paid"),
                          "emergency-aid case of another village"),
        "payment_id": _first(sa.select(AidPayment.id).where(AidPayment.case_id == _first(
            sa.select(AidCase.id).where(AidCase.village_id != mine, AidCase.status == "paid"),
            "emergency-aid case of another village")), "emergency-aid payment of that case"),
        "cause_id": _first(sa.select(AidCause.id), "emergency-aid cause"),
        # The demo's batch holds transfers of several villages: the clerk sees only theirs.
        "batch_id": _first(sa.select(AidBankBatch.id), "emergency-aid bank batch"),
        "volunteer_id": _first(sa.select(Volunteer.id).where(Volunteer.user_id != volunteer.id),
                               "volunteer"),
    }
    codes = dict(db.session.execute(sa.select(Village.id, Village.code)).all())
    return {"ids": ids, "mine": mine, "other_village": person.village_id,
            "other_code": codes[person.village_id], "other_name": person.name,
            "other_id_number": person.id_number, "other_token": entry.token,
            "round_id": entry.round_id, "stop_id": other_stop.id,
            "route_stop_names": (stop.recipient_name, other_stop.recipient_name),
            "usernames": {role: u.username for role, u in users.items()},
            "forbidden": forbidden(users, theirs, theirs_elders, theirs_routes)}


EVERY = sa.true()


def _people(where_person=EVERY, where_entry=EVERY, where_stop=EVERY, where_contact=EVERY):
    """(names, whole ID numbers) of people-derived rows matching the conditions."""
    names = set(db.session.scalars(sa.select(Person.name).where(where_person)))
    names |= set(db.session.scalars(sa.select(RoundEntry.name).where(where_entry)))
    names |= set(db.session.scalars(sa.select(DeliveryStop.recipient_name).where(where_stop)))
    names |= set(db.session.scalars(sa.select(EmergencyContact.name).join(IsolatedElder)
                                    .join(Person).where(where_contact)))
    numbers = set(db.session.scalars(sa.select(Person.id_number).where(where_person)))
    numbers |= set(db.session.scalars(sa.select(RoundEntry.id_number).where(where_entry)))
    return names, numbers


def forbidden(users, clerks_villages, theirs_elders, theirs_routes):
    """Per role: the names and ID numbers its responses must never hold. Names also borne by
    someone the role may see, or by an account or volunteer, are left out (not evidence)."""
    everyone = _people()
    elder_people = sa.select(IsolatedElder.person_id).where(IsolatedElder.id.in_(theirs_elders))
    allowed = {
        "clerk": _people(Person.village_id.in_(clerks_villages),
                         RoundEntry.village_id.in_(clerks_villages),
                         DeliveryStop.village_id.in_(clerks_villages),
                         Person.village_id.in_(clerks_villages)),
        "volunteer": _people(Person.id.in_(elder_people), sa.false(), sa.false(),
                             IsolatedElder.id.in_(theirs_elders)),
        "serviceman": _people(sa.false(), sa.false(), DeliveryStop.route_id.in_(theirs_routes),
                              sa.false()),
        "anonymous": (set(), set()),
    }
    public = set(db.session.scalars(sa.select(User.display_name)))
    public |= set(db.session.scalars(sa.select(Volunteer.name)))
    found = {}
    for role, (names, numbers) in allowed.items():
        seen = {n for n in everyone[0] - names - public if len(n) >= 3
                and not any(n in other for other in names | public)}
        found[role] = (seen, everyone[1] - numbers)
    return found
