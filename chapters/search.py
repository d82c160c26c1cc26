"""The directory's search: what a person typed (or their location) to chapters, in a fixed
number of queries."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Q

from core import pagecache

from .enums import ChapterKind, ChapterStatus
from .geo import (
    MAX_CANDIDATES,
    MAX_SUGGESTIONS,
    MIN_RATIO,
    box_around,
    distance_sql,
    fold,
    resolve,
    suggest_places,
)
from .models import Chapter, PartnerOrganization, PeerChapter, Place

NEAR_KM = 100  # "no chapter within 100 km" below this, the page says so plainly
SEARCH_KM = 400  # how far the results look for local chapters
MAX_LOCAL = 20
MAX_ONLINE = 20
MAX_NAME_MATCHES = 10
# A place found under another of its names, or a small one, may hide a typo for a much
# larger place: offer it too ("Chapters near El Torno. Did you mean Turin?").
SMALL_PLACE_POPULATION = 100_000
MUCH_LARGER = 10


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
    # Graduated chapters near the place: their story is told, never "no chapter here".
    graduated: list[tuple[Chapter, float]] = field(default_factory=list)
    partners: list[PartnerOrganization] = field(default_factory=list)
    nothing_near: bool = False
    # The point searched around (a place's or the coordinates given), to ~1 km.
    point: tuple[float, float] | None = None
    global_chapter: Chapter | None = None
    # The data version the online chapters were read under (their section is kept by it).
    online_version: tuple[int, ...] = ()
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
    # "Did you mean …?" for a name that matches no place and no chapter.
    suggested_places: list[Place] = field(default_factory=list)
    suggested_chapters: list[Chapter] = field(default_factory=list)


    @property
    def has_story(self) -> bool:
        """A graduated chapter's story is shown: the place is not one with no chapter."""
        return bool(self.graduated) or any(
            c.status == ChapterStatus.GRADUATED for c in self.name_matches)


MAX_GRADUATED = 10


def graduated(filters: Filters):
    """Chapters that graduated into a union, for a directory browsed without a search."""
    return filtered(filters, statuses=False).filter(
        status=ChapterStatus.GRADUATED).order_by("name", "pk")[:MAX_GRADUATED]


def suggest_chapters(query: str, filters: Filters) -> list[Chapter]:
    """Listed chapters whose name is close to a misspelt `query` ("TWC Berln"), at most a
    few: the chapter-name trigram index on PostgreSQL, difflib over a bounded list
    elsewhere."""
    key = fold(query)[:60]
    if len(key) < 3:
        return []
    statuses = {*filters.statuses, ChapterStatus.GRADUATED}
    chapters = filtered(filters, statuses=False).filter(status__in=statuses)
    if connection.vendor == "postgresql":
        found = list(chapters.extra(
            select={"alike": "similarity(UPPER(name::text), UPPER(%s))"}, select_params=[key],
            where=["UPPER(name::text) %% UPPER(%s)"], params=[key],
        ).order_by("-alike", "name")[:MAX_SUGGESTIONS * 3])
        return [c for c in found if difflib.SequenceMatcher(
            a=fold(c.name), b=key).ratio() >= MIN_RATIO][:MAX_SUGGESTIONS]
    names = chapters.order_by("name").values_list("pk", "name")[:MAX_CANDIDATES]
    scored = sorted((-ratio, name, pk) for pk, name in names
                    if (ratio := difflib.SequenceMatcher(a=fold(name), b=key).ratio())
                    >= MIN_RATIO)
    found = Chapter.objects.in_bulk([pk for _r, _n, pk in scored[:MAX_SUGGESTIONS]])
    return [found[pk] for _r, _n, pk in scored[:MAX_SUGGESTIONS] if pk in found]


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
    # Ordered and bounded by the database: at full size a box holds a few hundred groups.
    near = (filtered_peers(filters)
            .filter(box_around(latitude, longitude, radius_km), kind=ChapterKind.LOCAL)
            .annotate(km=distance_sql(latitude, longitude, PeerChapter))
            .filter(km__lte=radius_km).order_by("km", "pk"))
    if not filters.language:
        near = near[:MAX_LOCAL]
    return [(group, group.km) for group in near
            if not filters.language or filters.language in group.languages][:MAX_LOCAL]


def _language_ok(chapter: Chapter, filters: Filters) -> bool:
    # Languages are a JSON list; filtering them in Python keeps SQLite and PostgreSQL alike.
    return not filters.language or filters.language in (chapter.languages or [])


def _partners() -> list[PartnerOrganization]:
    """Every partner organization (a short list), kept per process under the chapters'
    data version, which a partner's change raises."""
    return pagecache.remember("partners", [pagecache.CHAPTERS],
                              lambda: list(PartnerOrganization.objects.all()))


# Which list of the results a chapter near the point goes to, and how many each shows.
LOCAL, REVIVE, GRADUATED = 0, 1, 2
SHOWN = {LOCAL: MAX_LOCAL, REVIVE: 3, GRADUATED: 3}


def local_shown(latitude: float, longitude: float, filters: Filters, *, named: set[int]):
    """The local chapters within SEARCH_KM under the filters (at most MAX_LOCAL), the dormant
    ones to revive and the graduated ones within NEAR_KM (3 each, graduated ones already
    shown by name left out), each nearest first with its distance: one query, the database
    bounding, ordering and counting by distance (a big city has hundreds within reach)."""
    in_box = (filtered(filters, statuses=False)
              .filter(box_around(latitude, longitude, SEARCH_KM), kind=ChapterKind.LOCAL)
              .annotate(km=distance_sql(latitude, longitude)).order_by())
    try:
        inner, inner_params = in_box.query.sql_with_params()
    except EmptyResultSet:  # only a peer network's groups are asked for
        return [], [], []
    # The lists and their counts are SQL around the filtered query: the same as ORM
    # expressions cost several times the query's own time to compile.
    quote = connection.ops.quote_name
    status, km, pk = quote("status"), quote("km"), quote("id")
    cases, params = [], []
    if filters.statuses:
        cases.append(f"WHEN {status} IN ({', '.join(['%s'] * len(filters.statuses))}) "
                     f"THEN {LOCAL}")
        params += filters.statuses
    cases.append(f"WHEN {status} = %s AND {km} <= %s THEN {REVIVE}")
    params += [ChapterStatus.DORMANT, NEAR_KM]
    not_named = f" AND {pk} NOT IN ({', '.join(['%s'] * len(named))})" if named else ""
    cases.append(f"WHEN {status} = %s AND {km} <= %s{not_named} THEN {GRADUATED}")
    params += [ChapterStatus.GRADUATED, NEAR_KM, *named]
    # With a language asked for, every chapter in reach is read: languages are a JSON
    # list, filtered here to keep SQLite and PostgreSQL alike.
    cap = MAX_LOCAL if not filters.language else 1_000_000
    rows = Chapter.objects.raw(
        f"SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY shown_as ORDER BY {km}, "
        f"{pk}) AS place_in FROM (SELECT *, CASE {' '.join(cases)} END AS shown_as "
        f"FROM ({inner}) AS in_box WHERE {km} <= %s) AS in_reach WHERE shown_as IS NOT NULL) "
        f"AS ranked WHERE place_in <= %s ORDER BY {km}, {pk}",
        [*params, *inner_params, SEARCH_KM, cap])
    lists: dict[int, list[tuple[Chapter, float]]] = {LOCAL: [], REVIVE: [], GRADUATED: []}
    for chapter in rows:
        shown = lists[chapter.shown_as]
        if len(shown) < SHOWN[chapter.shown_as] and _language_ok(chapter, filters):
            shown.append((chapter, chapter.km))
    return lists[LOCAL], lists[REVIVE], lists[GRADUATED]


def _online_and_global(filters: Filters) -> tuple[list[Chapter], tuple[int, ...]]:
    """The first MAX_ONLINE online chapters under the status filter in name order, and the
    Global chapter wherever it sorts (the fallback when none speaks the language asked
    for), in name order: one query whether the fallback is needed or not, and none while the
    chapters are unchanged; with the data version they were read under."""
    def read() -> list[Chapter]:
        online = Chapter.objects.listed().filter(kind=ChapterKind.ONLINE,
                                                 status__in=filters.statuses)
        first = online.order_by("name").values("pk")[:MAX_ONLINE]
        return list(online.filter(Q(pk__in=first) | Q(slug="global")).order_by("name"))

    # The same for every search under these statuses: kept per process under the chapters'
    # data version (the list is shared: callers filter it into lists of their own), given
    # with that version, which its rendering is kept under.
    return pagecache.remembered(f"online:{','.join(sorted(filters.statuses))}",
                                [pagecache.CHAPTERS], read)


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
            # A graduated chapter is found by its name whatever the status filter says.
            statuses = {*filters.statuses, ChapterStatus.GRADUATED}
            results.name_matches = [
                chapter for chapter in filtered(filters, statuses=False)
                .filter(name__icontains=query, status__in=statuses)
                .order_by("name")[:MAX_NAME_MATCHES]
                if _language_ok(chapter, filters)
            ]
            results.peer_name_matches = [] if not filters.with_peers else [
                group for group in filtered_peers(filters).filter(name__icontains=query)
                .order_by("name")[:MAX_NAME_MATCHES]
                if _language_ok(group, filters)
            ]
        results.unknown_place = not resolution.place and not resolution.choices
        if results.unknown_place and not results.name_matches:
            results.suggested_chapters = suggest_chapters(query, filters)
            if not results.suggested_chapters:
                results.suggested_places = suggest_places(query)
        if results.place:
            latitude, longitude = results.place.latitude, results.place.longitude
            if (not getattr(results.place, "is_exact", True)
                    or results.place.population < SMALL_PLACE_POPULATION):
                # "Torno" is another name of a small El Torno; Torino is more likely meant.
                results.suggested_places = [
                    p for p in suggest_places(query, limit=MAX_SUGGESTIONS + 1)
                    if p.population >= MUCH_LARGER * results.place.population
                    and p.pk != results.place.pk][:1]
    elif latitude is not None and longitude is not None:
        results.searched = True
    if latitude is not None and longitude is not None:
        results.point = (round(latitude, 2), round(longitude, 2))
    if latitude is not None and longitude is not None and filters.kind != ChapterKind.ONLINE:
        results.local, results.revive, results.graduated = local_shown(
            latitude, longitude, filters, named={c.pk for c in results.name_matches})
        if filters.with_peers:
            results.peers = peers_near(latitude, longitude, SEARCH_KM, filters)
        results.nothing_near = not any(km <= NEAR_KM for _, km in results.local + results.peers)
    only_a_peer = filters.network not in ("", OURS)
    if (filters.kind != ChapterKind.LOCAL or results.nothing_near) and not only_a_peer:
        online, results.online_version = _online_and_global(filters)
        results.online = [c for c in online[:MAX_ONLINE] if _language_ok(c, filters)]
        if not results.online and results.nothing_near:
            results.online = [c for c in online if c.slug == "global"][:1]
    results.global_chapter = next((c for c in results.online if c.slug == "global"),
                                  results.online[0] if results.online else None)
    country = results.place.country_code if results.place else (
        results.local[0][0].country if results.local else "")
    if country:
        results.partners = [p for p in _partners() if country in (p.countries or [])]
    return results
