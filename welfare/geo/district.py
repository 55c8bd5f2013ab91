"""The district office(s) this deployment serves, chosen by WELFARE_DISTRICT (the Ministry
of the Interior's town codes, e.g. 64000130 for 林園區; several, comma-separated, for a
city bureau), and the names, centre and depot that follow from it unless set."""

from dataclasses import dataclass

import sqlalchemy as sa

from welfare.geo import atlas

DEFAULT_DISTRICT = "64000130"
# Offices whose location is known; elsewhere routes start at the district's centroid until
# DEPOT_LAT and DEPOT_LNG are set.
OFFICE_LOCATIONS = {"64000130": (22.5071324, 120.3949024)}


class UnknownDistrict(ValueError):
    pass


@dataclass(frozen=True)
class District:
    code: str
    county: str
    name: str
    county_en: str
    name_en: str
    villages: int
    centroid: tuple

    @property
    def office_name(self):
        return f"{self.county}{self.name}公所"

    @property
    def office_name_en(self):
        return f"{self.name_en} Office, {self.county_en}"

    @property
    def location(self):
        return OFFICE_LOCATIONS.get(self.code, tuple(self.centroid))


def parse_codes(value):
    codes = [part.strip() for part in str(value or DEFAULT_DISTRICT).split(",") if part.strip()]
    return codes or [DEFAULT_DISTRICT]


def lookup(code):
    town = atlas.town(code)
    if town is None:
        raise UnknownDistrict(
            f"WELFARE_DISTRICT: {code} is not a town code of the MOI village map "
            f"(e.g. 64000130 for 高雄市林園區; `flask villages towns` lists them)")
    return District(**{**town, "centroid": tuple(town["centroid"])})


def districts(config):
    return [lookup(code) for code in parse_codes(config.get("WELFARE_DISTRICT"))]


def village_word(chosen):
    """What the offices call their villages: 村 in a 鄉, 里 in a 鎮, 市 or 區 (地方制度法 §3;
    so the MOI map's 7,701 villages), 村里 for a bureau over both."""
    words = {"村" if d.name.endswith("鄉") else "里" for d in chosen}
    return "村里" if len(words) > 1 else words.pop()


def settle(config):
    """Fill the settings that follow from the district(s) and were left empty."""
    chosen = districts(config)
    first = chosen[0]
    config["DISTRICTS"] = chosen
    if not config.get("VILLAGE_WORD"):
        config["VILLAGE_WORD"] = village_word(chosen)
    if len(chosen) == 1:
        names = (first.office_name, first.office_name_en)
    else:  # a city's social affairs bureau
        names = (f"{first.county}政府社會局",
                 f"Social Affairs Bureau, {first.county_en} Government")
    if not config.get("OFFICE_NAME"):
        config["OFFICE_NAME"] = names[0]
    if not config.get("OFFICE_NAME_EN"):
        config["OFFICE_NAME_EN"] = names[1]
    if not config.get("DISTRICT_CENTER"):
        config["DISTRICT_CENTER"] = first.location
    if config.get("DEPOT_LAT") in (None, "") or config.get("DEPOT_LNG") in (None, ""):
        config["DEPOT_LAT"], config["DEPOT_LNG"] = first.location
    config["DEPOT_LAT"] = float(config["DEPOT_LAT"])
    config["DEPOT_LNG"] = float(config["DEPOT_LNG"])


def of_village_code(code):
    """The District a village code (e.g. 64000130006) belongs to, or None."""
    town = atlas.town(str(code)[:8])
    return None if town is None else District(**{**town, "centroid": tuple(town["centroid"])})


def village_rows(config_value):
    """The villages table's rows for every configured district."""
    rows = []
    for code in parse_codes(config_value):
        lookup(code)
        rows.extend(atlas.village_rows(code))
    return rows


# A lightweight table, so that migrations calling this do not depend on today's models.
_villages = sa.table(
    "villages", sa.column("id"), sa.column("code"), sa.column("name_zh"), sa.column("name_en"),
    sa.column("centroid_lat"), sa.column("centroid_lng"), sa.column("boundary", sa.JSON),
)
_FIELDS = ("name_zh", "name_en", "centroid_lat", "centroid_lng")


def ensure_villages(connection, config_value):
    """Insert the configured districts' villages that are missing and bring the names and
    centroids of those present up to the map; returns (added, updated)."""
    rows = village_rows(config_value)
    have = {r.code: r for r in connection.execute(
        sa.select(_villages.c.code, *(_villages.c[f] for f in _FIELDS)))}
    missing = [r for r in rows if r["code"] not in have]
    if missing:
        connection.execute(sa.insert(_villages), missing)
    updated = 0
    for row in rows:
        old = have.get(row["code"])
        if old is not None and any(getattr(old, f) != row[f] for f in _FIELDS):
            connection.execute(sa.update(_villages).where(_villages.c.code == row["code"])
                               .values(**{f: row[f] for f in (*_FIELDS, "boundary")}))
            updated += 1
    return len(missing), updated
