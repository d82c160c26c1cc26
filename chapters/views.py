from __future__ import annotations

import json
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from core import pagecache
from core.locale import language_name, viewer_zone

from . import services
from .enums import ChapterKind, ChapterStatus
from .forms import ApiPageForm, ChapterForm, DirectoryForm, NearForm, PartnerForm, StatusForm
from .geo import nearest_chapters
from .models import SLUG, SLUG_PLACEHOLDER, Chapter, PartnerOrganization, chapter_url
from .permissions import may_change_chapter_status, may_edit_chapter, may_manage_partners
from .search import OURS, Filters, Results, filtered, filtered_peers, graduated, search

PAGE_SIZE = 24
NEARBY_KM = 300  # a chapter page's "Chapters nearby"
# The API answers in pages, so its cost does not grow with the network: 100 chapters by
# default, up to 1,000 (`?limit=`), each page linking to the next (`?after=<last id>`).
API_PAGE_SIZE = 100
API_MAX_PAGE_SIZE = 1000
API_MAX_AGE = 300

# What the apps above this one read with a chapter for its page, in the chapter's own query
# (a join costs less than one more query): each takes the queryset and returns it extended.
# Filled by their AppConfig.ready through `read_with_chapter_page()`.
_CHAPTER_PAGE_READS: list = []


def read_with_chapter_page(extend) -> None:
    """Have the chapter page's query read more with the chapter (`extend(queryset)`), for a
    tag on the page that would otherwise make a query of its own."""
    if extend not in _CHAPTER_PAGE_READS:
        _CHAPTER_PAGE_READS.append(extend)


def home(request: HttpRequest) -> HttpResponse:
    """The front door: one search box, the Global chapter, the way to start a chapter."""
    return render(request, "chapters/home.html")


def _directory_context(request: HttpRequest, form: DirectoryForm) -> tuple[dict, int]:
    """The results for a bound form, or the form's errors with status 400."""
    if not form.is_valid():
        return {"form": form, "results": Results()}, 400
    data = form.cleaned_data
    filters = Filters(country=data["country"], language=data["language"], kind=data["kind"],
                      statuses=data["status"], network=data.get("network", ""),
                      with_peers="network" in form.fields)
    results = search(data["q"], data["lat"], data["lon"], filters)
    context = {"form": form, "results": results}
    if not results.searched:
        chapters = filtered(filters).order_by("name", "pk")
        if filters.language:
            # Languages are a JSON list, filtered in Python to keep SQLite and PostgreSQL alike.
            chapters = [c for c in chapters if filters.language in (c.languages or [])]
        if filters.network and filters.network != OURS:
            chapters = filtered_peers(filters).order_by("name", "pk")
        context["page"] = Paginator(chapters, PAGE_SIZE).get_page(request.GET.get("page"))
        if ChapterStatus.GRADUATED not in filters.statuses and context["page"].number == 1:
            # Chapters that became unions stay findable: their own short list.
            context["graduated"] = [c for c in graduated(filters)
                                    if not filters.language
                                    or filters.language in (c.languages or [])]
    return context, 200


# Searches stay in each worker's memory: a search by place already makes up to 10 queries,
# the shared cache's read and write would be two more.
@require_GET
@pagecache.public_page("directory", depends=[pagecache.CHAPTERS], shared=False)
def directory(request: HttpRequest) -> HttpResponse:
    context, status = _directory_context(request, DirectoryForm(request.GET))
    if request.htmx:
        return render(request, "chapters/directory.html#results", context, status=status)
    context["query"] = request.GET.get("q", "")
    return render(request, "chapters/directory.html", context, status=status)


@require_POST
def near(request: HttpRequest) -> HttpResponse:
    """Results for the browser's location, posted so that no URL or access log holds it."""
    near_form = NearForm(request.POST)
    if not near_form.is_valid():
        form = DirectoryForm()
        return render(request, "chapters/directory.html",
                      {"form": form, "results": Results(),
                       "location_error": True}, status=400)
    form = DirectoryForm({"lat": near_form.cleaned_data["lat"],
                          "lon": near_form.cleaned_data["lon"]})
    context, status = _directory_context(request, form)
    context.update(located=True, query="")
    template = "chapters/directory.html#results" if request.htmx else "chapters/directory.html"
    return render(request, template, context, status=status)


@require_GET
def map_page(request: HttpRequest) -> HttpResponse:
    """The map of listed chapters; its heavy assets load only here. It shows every status
    but closed, each in its colour, named in the legend."""
    statuses = [s for s in ChapterStatus if s != ChapterStatus.CLOSED]
    query = urlencode([("status", s.value) for s in statuses])
    return render(request, "chapters/map.html", {
        "tile_url": settings.MAP_TILE_URL, "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "chapters_url": f"{reverse('chapters:api')}?{query}",
        "statuses": [(s.value, s.label) for s in statuses],
    })


@xframe_options_exempt
@csp_override({**settings.SECURE_CSP, "frame-ancestors": ["*"]})
@require_GET
@pagecache.public_page("embed", depends=[pagecache.CHAPTERS], shared=False)
def embed(request: HttpRequest) -> HttpResponse:
    """The directory without the site around it, for other sites' iframes."""
    form = DirectoryForm(request.GET)
    context, status = _directory_context(request, form)
    response = render(request, "embed/chapters.html", context, status=status)
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


# What every visitor sees: kept until the chapters change, or what the tags on the page
# declare they show (the rules, the organizers, the next sessions, the announcements).
@pagecache.public_page("chapter", depends=[pagecache.CHAPTERS],
                       vary=lambda request: [str(viewer_zone(request))])
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    chapters = Chapter.objects.listed().with_description_in(get_language() or "")
    for extend in _CHAPTER_PAGE_READS:
        chapters = extend(chapters)
    chapter = get_object_or_404(chapters, slug=slug)
    nearby = []
    if chapter.kind == ChapterKind.LOCAL and chapter.latitude is not None:
        nearby = nearest_chapters(chapter, NEARBY_KM, limit=5)
    description, description_language = chapter.description_for(get_language() or "")
    return render(request, "chapters/detail.html", {
        "chapter": chapter, "nearby": nearby,
        "description": description,
        # Marked up in its own language when it is not the page's (screen readers).
        "description_language": description_language
        if description_language != get_language() else "",
        "missing_essentials": chapter.missing_essentials(),
        "language_names": [language_name(code) for code in chapter.languages or []],
        "may_edit": may_edit_chapter(request.user, chapter),
        "may_change_status": may_change_chapter_status(request.user),
        "canonical_url": request.build_absolute_uri(chapter.get_absolute_url()),
    })


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str) -> HttpResponse:
    chapter = get_object_or_404(Chapter.objects.listed(), slug=slug)
    if not may_edit_chapter(request.user, chapter):
        raise PermissionDenied
    form = ChapterForm(request.POST or None, instance=Chapter.objects.get(pk=chapter.pk))
    if request.method == "POST":
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in ChapterForm.Meta.fields}
            services.edit_chapter(chapter, changes, actor=request.user)
            services.set_descriptions(chapter, form.translated_descriptions(),
                                      actor=request.user)
            messages.success(request, _("The chapter's page is saved."))
            return redirect(chapter)
        return render(request, "chapters/edit.html", {"chapter": chapter, "form": form},
                      status=400)
    return render(request, "chapters/edit.html", {"chapter": chapter, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def change_status(request: HttpRequest, slug: str) -> HttpResponse:
    chapter = get_object_or_404(Chapter.objects.listed(), slug=slug)
    if not may_change_chapter_status(request.user):
        raise PermissionDenied
    form = StatusForm(request.POST or None, initial={"status": chapter.status})
    allowed = services.allowed_statuses(chapter)
    if request.method == "POST":
        if form.is_valid() and form.cleaned_data["status"] not in allowed:
            form.add_error("status", _("A chapter cannot move from this status to that one."))
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.change_status(
                    chapter, data["status"], actor=request.user, reason=data["reason"],
                    successor_name=data["successor_name"], successor_url=data["successor_url"],
                    graduated_on=data["graduated_on"],
                )
            except services.TransitionNotAllowed:
                # Another admin changed the status first (the service re-checks under lock).
                form.add_error("status", _("A chapter cannot move from this status to that one."))
            else:
                messages.success(request, _("The chapter's status is changed."))
                return redirect(chapter)
        status = 400
    else:
        status = 200
    return render(request, "chapters/status.html",
                  {"chapter": chapter, "form": form, "allowed": sorted(allowed)}, status=status)


@require_GET
def api_chapters(request: HttpRequest) -> HttpResponse:
    """Listed chapters as GeoJSON, with the directory's filters, a page at a time; open to
    other sites. The same answer for everyone, signed in or not, so every request shares
    the cache of public pages."""
    response = _api_chapters(request)
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


def _api_chapters(request: HttpRequest) -> HttpResponse:
    form = DirectoryForm(request.GET)
    page_form = ApiPageForm(request.GET)
    if not form.is_valid() or not page_form.is_valid():
        errors = {**form.errors.get_json_data(), **page_form.errors.get_json_data()}
        return JsonResponse({"errors": errors}, status=400)

    def render_page() -> tuple[dict[str, str], int]:
        return {"json": _api_page(request, form.cleaned_data, page_form.cleaned_data,
                                  peers_exist="network" in form.fields)}, 200

    cached, _status = pagecache.fragment(
        "api", [request.build_absolute_uri()], [pagecache.CHAPTERS], render_page)
    response = HttpResponse(cached["json"], content_type="application/geo+json")
    response["Cache-Control"] = f"public, max-age={API_MAX_AGE}"
    return response


def _api_page(request: HttpRequest, data: dict, page: dict, *, peers_exist: bool) -> str:
    filters = Filters(country=data["country"], language=data["language"], kind=data["kind"],
                      statuses=data["status"], network=data.get("network", ""),
                      with_peers=peers_exist)
    limit = page["limit"] or API_PAGE_SIZE
    query = request.GET.copy()
    if page["peers_after"] is None:
        rows = _page_of(filtered(filters).order_by("pk").values(*FEATURE_FIELDS),
                        page["after"], limit, filters)
        uri = _chapter_uri(request)
        features = [_feature(uri, c) for c in rows[:limit]]
        if len(rows) > limit:
            query["after"] = str(rows[limit - 1]["pk"])
        elif peers_exist and filters.network != OURS:  # (no query: the form knows)
            # Our chapters are all given: the next pages hold the peers' groups.
            query.pop("after", None)
            query["peers_after"] = "0"
        else:
            query = None
    else:
        rows = _page_of(filtered_peers(filters).order_by("pk"), page["peers_after"], limit,
                        filters)
        features = [_peer_feature(group) for group in rows[:limit]]
        if len(rows) > limit:
            query["peers_after"] = str(rows[limit - 1].pk)
        else:
            query = None
    collection = {"type": "FeatureCollection", "features": features,
                  "numberReturned": len(features), "links": []}
    if query is not None:
        collection["links"].append({
            "rel": "next", "type": "application/geo+json",
            "href": request.build_absolute_uri(f"{request.path}?{query.urlencode()}")})
    return json.dumps(collection, cls=DjangoJSONEncoder)


def _page_of(rows_in_order, after: int | None, limit: int, filters: Filters) -> list:
    """Up to `limit + 1` rows after the id `after` (one more tells that a next page exists)."""
    if after:
        rows_in_order = rows_in_order.filter(pk__gt=after)
    if not filters.language:
        return list(rows_in_order[:limit + 1])
    # Languages are a JSON list, filtered in Python to keep SQLite and PostgreSQL alike:
    # read in batches until the page is full.
    rows, batch = [], rows_in_order
    while len(rows) <= limit:
        read = list(batch[:API_MAX_PAGE_SIZE])
        rows += [row for row in read if filters.language in (_field(row, "languages") or [])]
        if len(read) < API_MAX_PAGE_SIZE:
            break
        batch = rows_in_order.filter(pk__gt=_field(read[-1], "pk"))
    return rows


def _geometry(item) -> dict | None:
    if item.latitude is None or item.longitude is None:
        return None
    return {"type": "Point", "coordinates": [item.longitude, item.latitude]}


def _successor(item) -> dict | None:
    if not item.successor_name:
        return None
    graduated_on = getattr(item, "graduated_on", None)
    return {"name": item.successor_name, "url": item.successor_url,
            "date": graduated_on.isoformat() if graduated_on else None}


# What a chapter's feature shows, read as values: a page holds up to 100 of them.
FEATURE_FIELDS = ("pk", "name", "slug", "kind", "status", "city", "region", "country",
                  "languages", "latitude", "longitude", "successor_name", "successor_url",
                  "graduated_on")


def _field(row, name: str):
    """A row's field, whether read as values (our chapters) or as a model (peers' groups)."""
    return row[name] if isinstance(row, dict) else getattr(row, name)


def _chapter_uri(request: HttpRequest):
    """A chapter's absolute URL from its slug, as `build_absolute_uri` gives it, built once
    per page for the slugs that need no quoting (a page holds up to 100)."""
    absolute = request.build_absolute_uri(chapter_url(SLUG_PLACEHOLDER))

    def uri(slug: str) -> str:
        if SLUG.fullmatch(slug):
            return absolute.replace(SLUG_PLACEHOLDER, slug)
        return request.build_absolute_uri(chapter_url(slug))
    return uri


def _feature(uri, chapter: dict) -> dict:
    """A chapter's feature from its `FEATURE_FIELDS` values."""
    graduated_on = chapter["graduated_on"]
    geometry = (None if chapter["latitude"] is None or chapter["longitude"] is None else
                {"type": "Point", "coordinates": [chapter["longitude"], chapter["latitude"]]})
    return {"type": "Feature", "geometry": geometry, "properties": {
        "name": chapter["name"], "slug": chapter["slug"],
        "url": uri(chapter["slug"]),
        "kind": chapter["kind"], "status": chapter["status"], "city": chapter["city"],
        "region": chapter["region"], "country": chapter["country"],
        "languages": chapter["languages"] or [],
        "successor": None if not chapter["successor_name"] else {
            "name": chapter["successor_name"], "url": chapter["successor_url"],
            "date": graduated_on.isoformat() if graduated_on else None},
        "network": None,
    }}


def _peer_feature(group) -> dict:
    """A peer network's group: labelled with its network, linking to its page there."""
    return {"type": "Feature", "geometry": _geometry(group), "properties": {
        "name": group.name, "slug": None, "url": group.url,
        "kind": group.kind, "status": group.status, "city": group.city,
        "region": group.region, "country": group.country,
        "languages": group.languages or [],
        "successor": _successor(group),
        "network": {"name": group.network.name, "url": group.network.base_url},
    }}


def _partners_allowed(request: HttpRequest) -> None:
    if not may_manage_partners(request.user):
        raise PermissionDenied


@login_required
def partner_list(request: HttpRequest) -> HttpResponse:
    _partners_allowed(request)
    return render(request, "chapters/partner_list.html",
                  {"partners": PartnerOrganization.objects.order_by("name")})


@login_required
@require_http_methods(["GET", "POST"])
def partner_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _partners_allowed(request)
    partner = get_object_or_404(PartnerOrganization, pk=pk) if pk else None
    form = PartnerForm(request.POST or None, instance=partner)
    if request.method == "POST":
        if form.is_valid():
            services.save_partner(form, actor=request.user)
            messages.success(request, _("The partner organization is saved."))
            return redirect("chapters:partners")
        return render(request, "chapters/partner_form.html",
                      {"form": form, "partner": partner}, status=400)
    return render(request, "chapters/partner_form.html", {"form": form, "partner": partner})


@login_required
@require_POST
def partner_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _partners_allowed(request)
    partner = get_object_or_404(PartnerOrganization, pk=pk)
    services.delete_partner(partner, actor=request.user)
    messages.success(request, _("The partner organization is removed."))
    return redirect("chapters:partners")
