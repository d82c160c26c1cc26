"""The federation's pages: our key and signed feed (public), the peers page (Global admins)."""

from __future__ import annotations

import json

from django.conf import settings
from django.db.models import Count
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from joserfc import jws

from chapters.models import PeerNetwork

from . import keys, records, services, tasks
from .forms import PeerForm
from .permissions import may_manage_peers

FEED_PAGE = 500
FEED_MAX_PAGE = 1000


def _public(response: HttpResponse) -> HttpResponse:
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    response["Cache-Control"] = "public, max-age=60"
    return response


@require_GET
def key_document(request: HttpRequest) -> HttpResponse:
    """Who we are and the key our feed is signed with (compare its fingerprint by phone)."""
    return _public(JsonResponse({
        "network": settings.NETWORK_NAME, "short_name": settings.NETWORK_SHORT_NAME,
        "site": settings.SITE_URL, "feed": request.build_absolute_uri(reverse("federation:feed")),
        "key": keys.public_jwk(), "fingerprint": keys.own_fingerprint(),
    }))


def _cursor(value: str | None, default: int, high: int) -> int | None:
    if value in (None, ""):
        return default
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        return None
    return min(int(value), high)


@require_GET
def feed(request: HttpRequest) -> HttpResponse:
    """Our public chapter records changed after `?after=`, signed (JWS, Ed25519)."""
    after = _cursor(request.GET.get("after"), 0, 10**18)
    limit = _cursor(request.GET.get("limit"), FEED_PAGE, FEED_MAX_PAGE)
    if after is None or not limit:
        return JsonResponse({"errors": {"after": _("A whole number."),
                                        "limit": _("A whole number from 1 to 1000.")}},
                            status=400)
    payload = json.dumps(records.page(after, limit), separators=(",", ":"), sort_keys=True)
    token = jws.serialize_compact(
        {"alg": keys.ALGORITHM, "kid": keys.own_fingerprint(), "typ": "JOSE"},
        payload.encode(), keys.private_key(), algorithms=[keys.ALGORITHM])
    return _public(HttpResponse(token, content_type="application/jose"))


def _allowed(request: HttpRequest) -> None:
    if not may_manage_peers(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def peers(request: HttpRequest) -> HttpResponse:
    """The peer networks, their last good sync and errors; adding one."""
    _allowed(request)
    form = PeerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        peer = services.add_peer(actor=request.user, **form.cleaned_data)
        tasks.sync_peer.enqueue(peer.pk)
        messages.success(request, _("The peer is added. Its chapters appear after its first "
                                    "good sync."))
        return redirect("federation:peers")
    return render(request, "federation/peers.html", {
        "form": form,
        "peers": PeerNetwork.objects.annotate(chapter_count=Count("chapters")).order_by("name"),
        "fingerprint": keys.grouped(keys.own_fingerprint()),
        "key_url": request.build_absolute_uri(reverse("federation:key")),
    }, status=400 if request.method == "POST" else 200)


def _peer(request: HttpRequest, pk: int) -> PeerNetwork:
    _allowed(request)
    return get_object_or_404(PeerNetwork, pk=pk)


@login_required
@require_POST
def pause(request: HttpRequest, pk: int) -> HttpResponse:
    peer = _peer(request, pk)
    services.set_paused(peer, not peer.is_paused, actor=request.user)
    messages.success(request, _("The peer is paused: its chapters are hidden.") if peer.is_paused
                     else _("The peer is resumed."))
    return redirect("federation:peers")


@login_required
@require_POST
def remove(request: HttpRequest, pk: int) -> HttpResponse:
    peer = _peer(request, pk)
    services.remove_peer(peer, actor=request.user)
    messages.success(request, _("The peer and its chapters are removed."))
    return redirect("federation:peers")


@login_required
@require_POST
def sync_now(request: HttpRequest, pk: int) -> HttpResponse:
    peer = _peer(request, pk)
    tasks.sync_peer.enqueue(peer.pk)
    messages.success(request, _("A sync is queued."))
    return redirect("federation:peers")
