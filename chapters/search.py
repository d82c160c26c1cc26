"""The directory's search: what a person typed (or their location) to chapters, in fixed queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from .enums import ChapterKind, ChapterStatus
import math

from .geo import distance_km, fold, hydrate, nearest, resolve
from .models import Chapter, PartnerOrganization, PeerChapter, Place

NEAR_KM = 100  # "no chapter within 100 km" below this, the page says so plainly
SEARCH_KM = 400  # how far the results look for local chapters
MAX_LOCAL = 20
MAX_ONLINE = 20
MAX_NAME_MATCHES = 10


@dataclass
class Filters:
    country: str = ""
    language: str = ""
    kind: str = ""
    statuses: list[str] = field(default_factory=list)
    # "" for every network, OURS for our own chapters only, or a peer network's slug.
    network: str = ""
    # False when there is no peer network: their groups are not looked up at all.
    with_peers: bool = True


OURS = "ours"


@dataclass
class Results:
    """Everything the results section shows."""

    searched: bool = False
    place: Place | None = None
    choices: list[Place] = field(default_factory=list)
    unknown_place: bool = False
    local: list[tuple[Chapter, float]] = field(default_factory=list)
    online: list[Chapter] = field(default_factory=list)
    name_matches: list[Chapter] = field(default_factory=list)
    revive: list[tuple[Chapter, float]] = field(default_factory=list)
    partners: list[PartnerOrganization] = field(default_factory=list)
    nothing_near: bool = False
    global_chapter: Chapter | None = None
    # Groups of peer networks near the place, and those whose name matched.
    peers: list[tuple[PeerChapter, float]] = field(default_factory=list)
    peer_name_matches: list[PeerChapter] = field(default_factory=list)

    @property
    def nearby(self) -> list[tuple[Chapter | PeerChapter, float]]:
        """Our local chapters and peers' groups in one list, nearest first; at equal
        distance ours come first."""
        merged = [(km, 0, i, item) for i, (item, km) in enumerate(self.local)]
        merged += [(km, 1, i, item) for i, (item, km) in enumerate(self.peers)]
        return [(item, km) for km, _peer, _i, item in sorted(merged, key=lambda row: row[:3])]


def filtered(filters: Filters, *, statuses: bool = True):
    chapters = Chapter.objects.listed()
    if filters.network and filters.network != OURS:
        return chapters.none()
    if filters.country:
        chapters = chapters.filter(country=filters.country)
    if filters.kind:
        chapters = chapters.filter(kind=filters.kind)
    if statuses and filters.statuses:
        chapters = chapters.filter(status__in=filters.statuses)
    return chapters


def filtered_peers(filters: Filters, *, statuses: bool = True):
    """Peers' groups under the same filters (none when only our own are asked for)."""
    groups = PeerChapter.objects.shown().select_related("network")
    if filters.network == OURS or not filters.with_peers:
        return groups.none()
    if filters.network:
        groups = groups.filter(network__slug=filters.network)
    if filters.country:
        groups = groups.filter(country=filters.country)
    if filters.kind:
        groups = groups.filter(kind=filters.kind)
    if statuses and filters.statuses:
        groups = groups.filter(status__in=filters.statuses)
    return groups


def peers_near(latitude: float, longitude: float, radius_km: float,
               filters: Filters) -> list[tuple[PeerChapter, float]]:
    """Peers' local groups within `radius_km`, nearest first, at most MAX_LOCAL."""
    lat_span = radius_km / 111.0
    lon_span = radius_km / max(1.0, 111.0 * math.cos(math.radians(latitude)))
    box = filtered_peers(filters).filter(
        kind=ChapterKind.LOCAL, latitude__gte=latitude - lat_span,
        latitude__lte=latitude + lat_span)
    if -180 < longitude - lon_span and longitude + lon_span < 180:
        box = box.filter(longitude__gte=longitude - lon_span, longitude__lte=longitude + lon_span)
    # One query: a box holds few groups, so they are read whole and sorted here.
    near = []
    for group in box:
        km = distance_km(latitude, longitude, group.latitude, group.longitude)
        if km <= radius_km and (not filters.language or filters.language in group.languages):
            near.append((km, group.pk, group))
    return [(group, km) for km, _pk, group in sorted(near)[:MAX_LOCAL]]


def _language_ok(chapter: Chapter, filters: Filters) -> bool:
    # Languages are a JSON list; filtering them in Python keeps SQLite and PostgreSQL alike.
    return not filters.language or filters.language in (chapter.languages or [])


def search(query: str, latitude: float | None, longitude: float | None,
           filters: Filters) -> Results:
    """Chapters for a typed place or chapter name, or a point, under the filters."""
    results = Results()
    query = (query or "").strip()
    if query:
        results.searched = True
        resolution = resolve(query)
        results.place, results.choices = resolution.place, resolution.choices
        if len(fold(query)) >= 2:
            results.name_matches = [
                chapter for chapter in filtered(filters).filter(name__icontains=query)
                .order_by("name")[:MAX_NAME_MATCHES]
                if _language_ok(chapter, filters)
            ]
            results.peer_name_matches = [] if not filters.with_peers else [
                group for group in filtered_peers(filters).filter(name__icontains=query)
                .order_by("name")[:MAX_NAME_MATCHES]
                if _language_ok(group, filters)
            ]
        results.unknown_place = not resolution.place and not resolution.choices
        if results.place:
            latitude, longitude = results.place.latitude, results.place.longitude
    elif latitude is not None and longitude is not None:
        results.searched = True
    if latitude is not None and longitude is not None and filters.kind != ChapterKind.ONLINE:
        # Coordinates first; only the chapters shown are loaded.
        def language_ok(_status: str, languages: list[str]) -> bool:
            return not filters.language or filters.language in languages

        near = nearest(latitude, longitude, SEARCH_KM,
                       chapters=filtered(filters, statuses=False), keep=language_ok)
        local = [row for row in near if row[2] in filters.statuses][:MAX_LOCAL]
        revive = [row for row in near if row[2] == ChapterStatus.DORMANT and row[0] <= NEAR_KM
                  and row[2] not in filters.statuses][:3]
        shown = hydrate(sorted(local + revive))
        results.local = [(c, km) for c, km in shown if c.status in filters.statuses]
        results.revive = [(c, km) for c, km in shown if c.status not in filters.statuses]
        if filters.with_peers:
            results.peers = peers_near(latitude, longitude, SEARCH_KM, filters)
        results.nothing_near = not any(km <= NEAR_KM for _, km in results.local + results.peers)
    only_a_peer = filters.network not in ("", OURS)
    if (filters.kind != ChapterKind.LOCAL or results.nothing_near) and not only_a_peer:
        online = Chapter.objects.listed().filter(kind=ChapterKind.ONLINE,
                                                 status__in=filters.statuses)
        results.online = [c for c in online.order_by("name")[:MAX_ONLINE]
                          if _language_ok(c, filters)]
        if not results.online and results.nothing_near:
            results.online = list(online.filter(slug="global")[:1])
    results.global_chapter = next((c for c in results.online if c.slug == "global"),
                                  results.online[0] if results.online else None)
    country = results.place.country_code if results.place else (
        results.local[0][0].country if results.local else "")
    if country:
        results.partners = [p for p in PartnerOrganization.objects.all()
                            if country in (p.countries or [])]
    return results
