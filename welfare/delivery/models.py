"""Delivery events, their stops and routes, vehicles, geocode cache, doorstep outcomes."""

from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from welfare.auth import scope
from welfare.auth.models import utcnow
from welfare.extensions import db

EVENT_STATUSES = ("draft", "planned", "closed")
VEHICLE_TYPES = ("scooter", "van")
RECIPIENT_KINDS = ("low", "mid_low", "elder")
OUTCOMES = (
    "delivered",
    "left_with_family",
    "left_with_neighbour",
    "not_home",
    "refused",
    "wrong_address",
)
GEOCODE_SOURCES = ("geocoder", "manual", "failed")

# The fields staff edit on a form; the form's as_data() and the services use the same lists.
EVENT_FIELDS = ("name", "event_date", "service_minutes", "max_stops", "notes")
ITEM_QUANTITIES = ("qty_small", "qty_large", "qty_elder", "load_units")
STOP_FIELDS = ("phone", "window_start", "window_end", "service_minutes", "notes")
VEHICLE_FIELDS = ("name", "phone", "user_id", "vehicle_type", "plate", "capacity", "max_stops",
                  "shift_start", "shift_end", "start_lat", "start_lng", "end_lat", "end_lng",
                  "reloads", "active")
VEHICLE_POINTS = ("start_lat", "start_lng", "end_lat", "end_lng")


class DeliveryEvent(db.Model):
    __tablename__ = "delivery_events"
    __table_args__ = (sa.CheckConstraint(sa.column("status").in_(EVENT_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    event_date: Mapped[date]
    status: Mapped[str] = mapped_column(sa.String(10), default="draft")
    service_minutes: Mapped[int] = mapped_column(default=5)
    max_stops: Mapped[int | None]
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    follow_up_of_id: Mapped[int | None] = mapped_column(sa.ForeignKey("delivery_events.id"))
    optimised_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    items = relationship(
        "GoodsItem",
        back_populates="event",
        cascade="all, delete-orphan",
        order_by="GoodsItem.position",
    )
    stops = relationship("DeliveryStop", back_populates="event", cascade="all, delete-orphan")
    routes = relationship(
        "DeliveryRoute",
        back_populates="event",
        cascade="all, delete-orphan",
        order_by="DeliveryRoute.position",
    )


class GoodsItem(db.Model):
    """One kind of goods and how many each kind of household gets."""

    __tablename__ = "delivery_goods_items"
    __table_args__ = (
        sa.CheckConstraint("qty_small >= 0 AND qty_large >= 0 AND qty_elder >= 0", name="qty"),
        sa.CheckConstraint("load_units >= 0", name="load_units"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("delivery_events.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[str] = mapped_column(sa.String(60))
    unit: Mapped[str] = mapped_column(sa.String(10), default="")
    qty_small: Mapped[int] = mapped_column(default=1)  # households of 1-2 people
    qty_large: Mapped[int] = mapped_column(default=1)  # households of 3 or more
    qty_elder: Mapped[int] = mapped_column(default=1)  # isolated elders
    load_units: Mapped[int] = mapped_column(default=1)  # capacity used by one piece

    event = relationship("DeliveryEvent", back_populates="items")


class Vehicle(db.Model):
    """A serviceman with his scooter or van, his shift and where he starts and ends."""

    __tablename__ = "delivery_vehicles"
    __table_args__ = (
        sa.CheckConstraint(sa.column("vehicle_type").in_(VEHICLE_TYPES), name="vehicle_type"),
        sa.CheckConstraint("capacity > 0", name="capacity"),
        sa.CheckConstraint("shift_end > shift_start", name="shift"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    phone: Mapped[str] = mapped_column(sa.String(30), default="")
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    vehicle_type: Mapped[str] = mapped_column(sa.String(10), default="scooter")
    plate: Mapped[str] = mapped_column(sa.String(20), default="")
    capacity: Mapped[int] = mapped_column(default=20)
    max_stops: Mapped[int | None]
    reloads: Mapped[bool] = mapped_column(default=True)  # may return to the office to load again
    shift_start: Mapped[time] = mapped_column(default=time(9, 0))
    shift_end: Mapped[time] = mapped_column(default=time(17, 0))
    start_lat: Mapped[float | None]
    start_lng: Mapped[float | None]
    end_lat: Mapped[float | None]
    end_lng: Mapped[float | None]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user = relationship("User")


class DeliveryRoute(db.Model):
    __tablename__ = "delivery_routes"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "vehicle_id", name="uq_delivery_routes_vehicle"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("delivery_events.id", ondelete="CASCADE"), index=True
    )
    vehicle_id: Mapped[int] = mapped_column(sa.ForeignKey("delivery_vehicles.id"))
    position: Mapped[int] = mapped_column(default=0)
    distance_m: Mapped[int] = mapped_column(default=0)
    duration_s: Mapped[int] = mapped_column(default=0)
    line: Mapped[list | None] = mapped_column(sa.JSON)  # road geometry from OSRM, if any

    event = relationship("DeliveryEvent", back_populates="routes")
    vehicle = relationship("Vehicle", lazy="joined")
    stops = relationship("DeliveryStop", back_populates="route", order_by="DeliveryStop.sequence")


class DeliveryStop(db.Model):
    __tablename__ = "delivery_stops"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "household_id", name="uq_delivery_stops_household"),
        sa.UniqueConstraint("event_id", "person_id", name="uq_delivery_stops_person"),
        sa.CheckConstraint(sa.column("kind").in_(RECIPIENT_KINDS), name="kind"),
        sa.CheckConstraint("load >= 0", name="load"),
        sa.CheckConstraint(
            sa.or_(sa.column("outcome").is_(None), sa.column("outcome").in_(OUTCOMES)),
            name="outcome",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("delivery_events.id", ondelete="CASCADE"), index=True
    )
    household_id: Mapped[int | None] = mapped_column(sa.ForeignKey("households.id"))
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))
    kind: Mapped[str] = mapped_column(sa.String(10))
    members: Mapped[int] = mapped_column(default=1)
    recipient_name: Mapped[str] = mapped_column(sa.String(60))
    phone: Mapped[str] = mapped_column(sa.String(30), default="")
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    village_id: Mapped[int] = mapped_column(sa.ForeignKey("villages.id"))
    goods: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # item name -> quantity
    load: Mapped[int] = mapped_column(default=0)
    service_minutes: Mapped[int | None]
    window_start: Mapped[time | None]
    window_end: Mapped[time | None]
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    lat: Mapped[float | None]
    lng: Mapped[float | None]
    approximate: Mapped[bool] = mapped_column(default=True)
    route_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("delivery_routes.id", ondelete="SET NULL"), index=True
    )
    sequence: Mapped[int | None]
    trip: Mapped[int | None]  # 1 = first load from the office, 2 = after reloading, ...
    eta: Mapped[time | None]
    pinned: Mapped[bool] = mapped_column(default=False)  # staff moved it; keep on its route
    unserved_reason: Mapped[str] = mapped_column(sa.String(40), default="")
    outcome: Mapped[str | None] = mapped_column(sa.String(30))
    outcome_at: Mapped[datetime | None]

    event = relationship("DeliveryEvent", back_populates="stops")
    route = relationship("DeliveryRoute", back_populates="stops")
    village = relationship("Village", lazy="joined")


class GeocodedAddress(db.Model):
    """Cache of lookups by normalised address; manual corrections win over the geocoder."""

    __tablename__ = "delivery_geocodes"
    __table_args__ = (sa.CheckConstraint(sa.column("source").in_(GEOCODE_SOURCES), name="source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    address_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    lat: Mapped[float | None]
    lng: Mapped[float | None]
    source: Mapped[str] = mapped_column(sa.String(10))
    provider: Mapped[str] = mapped_column(sa.String(30), default="")
    corrected_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    looked_up_at: Mapped[datetime] = mapped_column(default=utcnow)


class DeliveryOutcome(db.Model):
    """One doorstep report from a phone; the client's UUID makes replays harmless."""

    __tablename__ = "delivery_outcomes"
    __table_args__ = (sa.CheckConstraint(sa.column("outcome").in_(OUTCOMES), name="outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(sa.String(36), unique=True)
    stop_id: Mapped[int] = mapped_column(
        sa.ForeignKey("delivery_stops.id", ondelete="CASCADE"), index=True
    )
    outcome: Mapped[str] = mapped_column(sa.String(30))
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    recorded_at: Mapped[datetime]  # on the phone, UTC
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    lat: Mapped[float | None]
    lng: Mapped[float | None]
    accuracy_m: Mapped[float | None]
    photo: Mapped[str] = mapped_column(sa.String(80), default="")  # file name under instance/
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))

    stop = relationship("DeliveryStop")


def routes_of(user_id):
    """The routes driven by a serviceman's vehicles."""
    return (sa.select(DeliveryRoute.id).join(Vehicle, Vehicle.id == DeliveryRoute.vehicle_id)
            .where(Vehicle.user_id == user_id))


def stops_in(ids):
    return sa.select(DeliveryStop.id).where(DeliveryStop.village_id.in_(ids))


# A route across villages is seen by a village-limited clerk with only their stops on it.
scope.narrow(DeliveryRoute,
             villages=lambda ids: DeliveryRoute.id.in_(
                 sa.select(DeliveryStop.route_id).where(DeliveryStop.village_id.in_(ids))),
             serviceman=lambda uid: DeliveryRoute.id.in_(routes_of(uid)))
scope.narrow(DeliveryStop, villages=lambda ids: DeliveryStop.village_id.in_(ids),
             serviceman=lambda uid: DeliveryStop.route_id.in_(routes_of(uid)))
scope.narrow(DeliveryOutcome, villages=lambda ids: DeliveryOutcome.stop_id.in_(stops_in(ids)),
             serviceman=lambda uid: DeliveryOutcome.stop_id.in_(
                 sa.select(DeliveryStop.id).where(DeliveryStop.route_id.in_(routes_of(uid)))))
