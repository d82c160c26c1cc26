"""Places and distances: resolving what a person typed to a place, and chapters near a point.

Other apps rely on these signatures (the Chapter Development Program warns about chapters
near a proposed one); keep them stable.
"""

from __future__ import annotations

import math
import unicodedata

from .enums import ChapterKind
from .models import Chapter, Place

EARTH_RADIUS_KM = 6371.0088


def fold(text: str) -> str:
    """A search key: accents removed, lower case, single spaces ("São  Paulo" -> "sao paulo")."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().replace("-", " ").replace(".", " ").split())


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = phi2 - phi1
    dlmb = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def resolve_place(query: str, limit: int = 8) -> list[Place]:
    """Places a person may mean by `query`, the most likely first (an exact name, then size)."""
    key = fold(query)
    if not key:
        return []
    return list(
        Place.objects.filter(names__key=key).distinct().order_by("-population")[:limit]
    )


def chapters_near(latitude: float, longitude: float, radius_km: float,
                  chapters=None) -> list[tuple[Chapter, float]]:
    """Local chapters within `radius_km` of a point, nearest first, with their distance."""
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
    for chapter in box:
        km = distance_km(latitude, longitude, chapter.latitude, chapter.longitude)
        if km <= radius_km:
            near.append((chapter, km))
    near.sort(key=lambda pair: pair[1])
    return near
