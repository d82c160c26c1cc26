"""Places and distances: resolving what a person typed to a place, and chapters near a point.

Other apps rely on these signatures (the Chapter Development Program warns about chapters
near a proposed one); keep them stable.
"""

from __future__ import annotations

import difflib
import math
import unicodedata
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, FloatField, Q, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import ASin, Cos, Least, Length, Power, Radians, Sin, Sqrt

from core.locale import country_name

from .enums import ChapterKind
from .models import Chapter, Place, PlaceName

EARTH_RADIUS_KM = 6371.0088


# Combining marks (accents) in the Basic Multilingual Plane, removed by str.translate: far
# faster than a per-character loop when the gazetteer folds a third of a million names.
_STRIP_MARKS = {cp: None for cp in range(0x10000) if unicodedata.combining(chr(cp))}


def fold(text: str) -> str:
    """A search key: accents removed, lower case, single spaces ("São  Paulo" -> "sao paulo")."""
    text = text or ""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).translate(_STRIP_MARKS)
    return " ".join(text.casefold().replace("-", " ").replace(".", " ").split())


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


# Several large places share a name ("Cambridge"): offer them as choices. A place is large
# from this population on; the first place is picked outright only when it is this many
# times larger than the next one ("Portland, Oregon" over "Portland, Maine").
LARGE_PLACE_POPULATION = 50_000
CLEAR_LEAD_FACTOR = 5


def _ranked_places(key: str, limit: int) -> list[Place]:
    """Places named `key`, their own name before an alternate one, then the most populous."""
    rows = list(
        PlaceName.objects.filter(key=key)
        .select_related("place")
        .order_by("-is_primary", "-place__population", "place_id")[: limit * 3]
    )
    seen: set[int] = set()
    places = []
    for row in rows:
        if row.place_id in seen:
            continue
        seen.add(row.place_id)
        row.place.is_exact = row.is_primary
        places.append(row.place)
    return places[:limit]


def resolve_place(query: str, limit: int = 8) -> list[Place]:
    """Places a person may mean by `query`, the most likely first (an exact name, then size)."""
    key = fold(query)[:200]
    name, _, qualifier = key.partition(",")
    name, qualifier = name.strip(), qualifier.strip()
    if not name:
        return []
    places = _ranked_places(name, limit)
    if qualifier:
        # "Cambridge, Massachusetts" or "Portland, US": keep the places the qualifier names.
        qualified = [p for p in places if qualifier in (
            p.country_code.casefold(), fold(p.region_name), fold(country_name(p.country_code)))]
        exact = [p for p in qualified if p.is_exact]
        if exact or qualified:
            return exact or qualified
    return places


@dataclass
class Resolution:
    """What a typed place name resolves to: the place to search around, and the choices."""

    place: Place | None
    choices: list[Place]


def resolve(query: str, limit: int = 8) -> Resolution:
    """Decide whether `query` names one place clearly, or several large ones to choose from."""
    places = resolve_place(query, limit)
    if not places:
        return Resolution(None, [])
    first = places[0]
    rivals = [
        p for p in places[1:]
        if getattr(p, "is_exact", False) == getattr(first, "is_exact", False)
        and p.population >= LARGE_PLACE_POPULATION
    ]
    if not rivals:
        return Resolution(first, [])
    if first.population >= CLEAR_LEAD_FACTOR * rivals[0].population:
        return Resolution(first, [first, *rivals])
    return Resolution(None, [first, *rivals])


def chapters_near(latitude: float, longitude: float, radius_km: float, chapters=None, *,
                  limit: int | None = None) -> list[tuple[Chapter, float]]:
    """Local chapters within `radius_km` of a point, nearest first, with their distance.

    `limit` caps how many are loaded. Two queries: the candidates' coordinates, then the
    chosen chapters themselves (near a big city there are hundreds of candidates).
    """
    near = nearest(latitude, longitude, radius_km, chapters)
    if limit is not None:
        near = near[:limit]
    return hydrate(near, chapters)


def nearest_chapters(chapter: Chapter, radius_km: float, *,
                     limit: int) -> list[tuple[Chapter, float]]:
    """The listed local chapters within `radius_km` of `chapter`, nearest first, with their
    distance: one query, the database computing and ordering the distances (raw SQL: the
    same formula as expressions cost 1.7 ms to compile on every chapter page)."""
    rows = (Chapter.objects.listed().filter(kind=ChapterKind.LOCAL)
            .filter(box_around(chapter.latitude, chapter.longitude, radius_km))
            .exclude(pk=chapter.pk)
            .annotate(km=distance_sql(chapter.latitude, chapter.longitude))
            .filter(km__lte=radius_km).order_by("km", "pk")[:limit])
    return [(row, row.km) for row in rows]


def nearest(latitude: float, longitude: float, radius_km: float, chapters=None, *,
            keep=None) -> list[tuple[float, int, str]]:
    """(distance, id, status) of the local chapters within `radius_km`, nearest first."""
    if chapters is None:
        chapters = Chapter.objects.listed()
    lat_span = radius_km / 111.0
    lon_span = radius_km / max(1.0, 111.0 * math.cos(math.radians(latitude)))
    box = chapters.filter(
        kind=ChapterKind.LOCAL,
        latitude__gte=latitude - lat_span, latitude__lte=latitude + lat_span,
    )
    if -180 < longitude - lon_span and longitude + lon_span < 180:
        box = box.filter(longitude__gte=longitude - lon_span, longitude__lte=longitude + lon_span)
    near = []
    for pk, lat, lon, status, languages in box.values_list(
            "pk", "latitude", "longitude", "status", "languages"):
        km = distance_km(latitude, longitude, lat, lon)
        if km <= radius_km and (keep is None or keep(status, languages or [])):
            near.append((km, pk, status))
    near.sort()
    return near


def hydrate(near: list[tuple[float, int, str]], chapters=None) -> list[tuple[Chapter, float]]:
    """The chapters of `nearest()`'s rows, in its order, with their distance: one query."""
    if not near:
        return []
    if chapters is None:
        chapters = Chapter.objects.listed()
    found = chapters.in_bulk([pk for _km, pk, _status in near])
    return [(found[pk], km) for km, pk, _status in near if pk in found]


def distance_expression(latitude: float, longitude: float):
    """The haversine distance in km from a point to a chapter's coordinates, as a database
    expression (NULL for an online chapter), so a query can order and bound by it."""
    lat, lon = Radians(Value(float(latitude))), Radians(Value(float(longitude)))
    a = (Power(Sin((Radians(F("latitude")) - lat) / 2), 2)
         + Cos(lat) * Cos(Radians(F("latitude")))
         * Power(Sin((Radians(F("longitude")) - lon) / 2), 2))
    return 2 * EARTH_RADIUS_KM * ASin(Least(Value(1.0), Sqrt(a)), output_field=FloatField())


def distance_sql(latitude: float, longitude: float, model=Chapter) -> RawSQL:
    """`distance_km` from a point to a chapter's (or a peer's group's) coordinates as SQL,
    its operations in the same order, so the database's distances are Python's. Raw SQL: the
    same formula as expressions (`distance_expression`) costs more to build and compile than
    the search's query takes to run."""
    table = connection.ops.quote_name(model._meta.db_table)
    lat, lon = f"{table}.{connection.ops.quote_name('latitude')}", \
        f"{table}.{connection.ops.quote_name('longitude')}"
    least = "LEAST" if connection.vendor == "postgresql" else "MIN"
    phi1 = math.radians(latitude)
    return RawSQL(
        f"(%s * ASIN({least}(1.0, SQRT(POWER(SIN((RADIANS({lat}) - %s) / 2), 2)"
        f" + (%s * COS(RADIANS({lat}))) * POWER(SIN(RADIANS({lon} - %s) / 2), 2)))))",
        [2 * EARTH_RADIUS_KM, phi1, math.cos(phi1), float(longitude)],
        output_field=FloatField())


def box_around(latitude: float, longitude: float, radius_km: float):
    """A filter for coordinates within a box holding the circle of `radius_km` (indexable)."""
    lat_span = radius_km / 111.0
    lon_span = radius_km / max(1.0, 111.0 * math.cos(math.radians(latitude)))
    box = Q(latitude__gte=latitude - lat_span, latitude__lte=latitude + lat_span)
    if -180 < longitude - lon_span and longitude + lon_span < 180:
        box &= Q(longitude__gte=longitude - lon_span, longitude__lte=longitude + lon_span)
    return box


# "Did you mean …?": how many suggestions, how alike a name must be, and (SQLite) how many
# candidate names difflib may compare at most.
MAX_SUGGESTIONS = 3
MIN_SIMILARITY = 0.3  # pg_trgm's own default threshold for `%`
MIN_RATIO = 0.75
MAX_CANDIDATES = 5000


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def suggest_places(query: str, limit: int = MAX_SUGGESTIONS) -> list[Place]:
    """Places whose name is close to a misspelt `query` ("Berln" -> Berlin), the most alike
    first and, among equally alike, the most populous. One or two queries, either database:
    pg_trgm's index on PostgreSQL, a bounded candidate set and difflib elsewhere."""
    key = fold(query)[:60].partition(",")[0].strip()
    if len(key) < 3:
        return []
    if connection.vendor == "postgresql":
        # The trigram index finds the candidates; difflib scores them below, as on SQLite,
        # so both databases suggest the same places.
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT n.key, n.place_id, n.is_primary, p.population "
                f"FROM {_table(PlaceName)} n "
                f"JOIN {_table(Place)} p ON p.id = n.place_id "
                "WHERE n.key %% %s AND n.key <> %s "
                "ORDER BY similarity(n.key, %s) DESC, p.population DESC LIMIT 50",
                [key, key, key])
            rows = cursor.fetchall()
    else:
        # Names that start with the same two letters and are about as long: a typo rarely
        # changes either. Served by the (key, place) index as a range.
        rows = list(PlaceName.objects.filter(
            key__gte=key[:2], key__lt=key[0] + chr(ord(key[1]) + 1),
        ).exclude(key=key).annotate(size=Length("key")).filter(
            size__gte=len(key) - 2, size__lte=len(key) + 2,
        ).values_list("key", "place_id", "is_primary", "place__population")[:MAX_CANDIDATES])
    matcher = difflib.SequenceMatcher(b=key, autojunk=False)
    scored = []
    for candidate, place_id, is_primary, population in rows:
        if not is_primary and population < LARGE_PLACE_POPULATION:
            continue  # a small town's other name ("Berlin" for North Canton) is noise
        matcher.set_seq1(candidate)
        if (matcher.real_quick_ratio() >= MIN_RATIO and matcher.quick_ratio() >= MIN_RATIO
                and (ratio := matcher.ratio()) >= MIN_RATIO):
            scored.append((place_id, ratio))
    best: dict[int, float] = {}
    for place_id, alike in scored:
        best[place_id] = max(alike, best.get(place_id, 0.0))
    if not best:
        return []
    places = Place.objects.in_bulk(list(best))
    # About as alike (to a tenth): the larger place is the likelier one ("Berln": Berlin
    # before Bern; "Torno": Turin before Toruń).
    ranked = sorted(places.values(),
                    key=lambda p: (-round(best[p.pk], 1), -p.population, p.pk))
    seen, suggestions = set(), []
    for place in ranked:
        label = (fold(place.name), place.country_code)
        if label not in seen:  # one "Berlin, Germany" even if two names matched
            seen.add(label)
            suggestions.append(place)
    return suggestions[:limit]
