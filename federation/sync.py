"""Pulling a peer network's signed feed into the directory, or changing nothing.

A sync reads the peer's key document and its feed pages with timeouts and size limits,
checks every page's signature against the key pinned for the peer, validates every record
against the allow-list, and only then applies all changes in one transaction. A peer that
is down, slow, oversized, unsigned, signed with another key or sends garbage leaves the
directory as it was; its row records the error and backs off.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_noop
from joserfc import jws
from joserfc.errors import JoseError

from chapters.enums import ChapterKind, ChapterStatus
from chapters.models import PeerChapter, PeerNetwork

from . import keys

logger = logging.getLogger(__name__)

WELL_KNOWN = "/.well-known/chapter-directory"
FEED = "/federation/feed/"
PAGE_LIMIT = 500
MAX_PAGES = 200
KEY_DOCUMENT_BYTES = 64 * 1024


class SyncError(Exception):
    """Why a peer's answer was refused: a message marked for translation, stored in English
    on the peer's row and translated where the peers page shows it."""


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # A peer answers at its own address: a redirect could point the fetch anywhere.
    def redirect_request(self, *args, **kwargs):
        raise SyncError(gettext_noop("The peer answered with a redirect."))


# No cookie processor, no proxies from the environment, no redirects: a request to a peer
# carries nothing of ours and reaches only the address an admin gave.
_opener = urllib.request.OpenerDirector()
for handler in (urllib.request.HTTPHandler(), urllib.request.HTTPSHandler(),
                urllib.request.HTTPErrorProcessor(), urllib.request.HTTPDefaultErrorHandler(),
                _NoRedirects()):
    _opener.add_handler(handler)


def fetch(url: str, *, max_bytes: int, deadline: float) -> bytes:
    """The body at `url`, refused past `max_bytes` or past the monotonic `deadline`."""
    timeout = deadline - time.monotonic()
    if timeout <= 0:
        raise SyncError(gettext_noop("The peer took too long."))
    request = urllib.request.Request(url, headers={
        "Accept": "application/jose, application/json",
        "User-Agent": f"chapter-directory ({settings.SITE_URL})"})
    try:
        with _opener.open(request, timeout=min(timeout, settings.FEDERATION_TIMEOUT)) as answer:
            declared = answer.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise SyncError(gettext_noop("The peer's answer is too large."))
            body = bytearray()
            while chunk := answer.read(64 * 1024):
                body += chunk
                if len(body) > max_bytes:
                    raise SyncError(gettext_noop("The peer's answer is too large."))
                if time.monotonic() > deadline:
                    raise SyncError(gettext_noop("The peer took too long."))
            return bytes(body)
    except SyncError:
        raise
    except urllib.error.HTTPError as error:
        raise SyncError(gettext_noop("The peer answered with an error.")) from None
    except TimeoutError:
        raise SyncError(gettext_noop("The peer took too long.")) from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        if isinstance(getattr(error, "reason", None), TimeoutError):
            raise SyncError(gettext_noop("The peer took too long.")) from None
        raise SyncError(gettext_noop("The peer could not be reached.")) from None


def check_peer_address(url: str) -> None:
    """Refuse what is not a plain https origin (http only where settings allow it)."""
    parts = urlsplit(url)
    allowed = {"https"} | ({"http"} if settings.FEDERATION_ALLOW_HTTP else set())
    if parts.scheme not in allowed or not parts.hostname or parts.username or parts.query:
        raise ValidationError("not an address a peer may have")


# -- Validation of what a peer sends -----------------------------------------------------

_url = URLValidator(schemes=["http", "https"])
_language = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
_control = re.compile(r"[\x00-\x1f\x7f]")


def _text(value, limit: int, *, required: bool = False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or len(value) > limit or _control.search(value):
        raise SyncError(gettext_noop("A record holds a malformed text."))
    value = value.strip()
    if required and not value:
        raise SyncError(gettext_noop("A record lacks a name."))
    return value


# The URL columns of a peer's group (URLField's 200): a longer link is malformed here, not
# a failed write on PostgreSQL.
LINK_MAX = 200


def _link(value, *, required: bool = False) -> str:
    value = _text(value, LINK_MAX, required=required)
    if value:
        try:
            _url(value)
        except ValidationError:
            raise SyncError(gettext_noop("A record holds a malformed link.")) from None
    return value


def _number(value, low: float, high: float) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        raise SyncError(gettext_noop("A record holds malformed coordinates."))
    return float(value)


STORED_FIELDS = ["name", "kind", "status", "city", "region", "country", "latitude",
                 "longitude", "languages", "who_may_join", "successor_name", "successor_url",
                 "email", "website", "url", "updated_at"]


@dataclass
class Change:
    remote_id: str
    fields: dict | None  # None: the peer deleted the record


def clean_record(raw) -> Change:
    """A peer's record as the fields we store, or SyncError: nothing else is kept."""
    if not isinstance(raw, dict):
        raise SyncError(gettext_noop("A record is not an object."))
    remote_id = raw.get("id")
    if not isinstance(remote_id, str) or not 0 < len(remote_id) <= 64:
        raise SyncError(gettext_noop("A record has no usable id."))
    if raw.get("deleted") is True:
        return Change(remote_id, None)
    kind, status = raw.get("kind"), raw.get("status")
    if kind not in ChapterKind.values or status not in ChapterStatus.values:
        raise SyncError(gettext_noop("A record has an unknown kind or status."))
    latitude, longitude = _number(raw.get("latitude"), -90, 90), _number(raw.get("longitude"),
                                                                        -180, 180)
    if kind == ChapterKind.LOCAL and (latitude is None or longitude is None):
        raise SyncError(gettext_noop("A local record has no coordinates."))
    country = _text(raw.get("country"), 2).upper()
    if country and not re.fullmatch(r"[A-Z]{2}", country):
        raise SyncError(gettext_noop("A record holds a malformed country."))
    languages = raw.get("languages") or []
    if (not isinstance(languages, list) or len(languages) > 20
            or not all(isinstance(code, str) and _language.match(code) for code in languages)):
        raise SyncError(gettext_noop("A record holds malformed languages."))
    rules = raw.get("who_may_join") or []
    if not isinstance(rules, list) or len(rules) > 20:
        raise SyncError(gettext_noop("A record holds malformed rules."))
    rules = [_text(line, 500) for line in rules]
    successor = raw.get("successor") or {}
    contact = raw.get("contact") or {}
    if not isinstance(successor, dict) or not isinstance(contact, dict):
        raise SyncError(gettext_noop("A record holds a malformed successor or contact."))
    email = _text(contact.get("email"), 254)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise SyncError(gettext_noop("A record holds a malformed email address.")) from None
    try:
        updated = parse_datetime(raw["updated"]) if isinstance(raw.get("updated"), str) else None
        if updated is not None:
            # In UTC here: an offset the database refuses, or a date off the calendar once
            # in UTC, is the peer's error, not ours.
            updated = (timezone.make_aware(updated, dt.UTC) if timezone.is_naive(updated)
                       else updated.astimezone(dt.UTC))
    except (ValueError, OverflowError):  # a well-formed date that does not exist
        updated = None
    if updated is None:
        raise SyncError(gettext_noop("A record has no date."))
    return Change(remote_id, {
        "name": _text(raw.get("name"), 120, required=True),
        "kind": kind, "status": status,
        "city": _text(raw.get("city"), 120), "region": _text(raw.get("region"), 120),
        "country": country, "latitude": latitude, "longitude": longitude,
        "languages": languages, "who_may_join": rules,
        "successor_name": _text(successor.get("name"), 200),
        "successor_url": _link(successor.get("url")),
        "email": email, "website": _link(contact.get("website")),
        "url": _link(raw.get("url"), required=True),
        "updated_at": updated,
    })


def _verified_payload(token: bytes, key) -> dict:
    try:
        signed = jws.deserialize_compact(token.decode("ascii").strip(), key,
                                         registry=keys.feed_registry())
        payload = json.loads(signed.payload)
    except (JoseError, ValueError, UnicodeDecodeError):
        raise SyncError(gettext_noop("A feed page is not signed by the peer's key.")) from None
    if not isinstance(payload, dict) or not isinstance(payload.get("records"), list):
        raise SyncError(gettext_noop("A feed page is malformed."))
    return payload


def _peer_key(peer: PeerNetwork, deadline: float) -> bytes:
    body = fetch(peer.base_url.rstrip("/") + WELL_KNOWN, max_bytes=KEY_DOCUMENT_BYTES,
                 deadline=deadline)
    try:
        document = json.loads(body)
        jwk = document["key"]
        if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
            raise ValueError
        raw = keys.unb64(jwk["x"])
        if len(raw) != 32:
            raise ValueError
    except (ValueError, KeyError, TypeError, AttributeError):
        raise SyncError(gettext_noop("The peer's key document is malformed.")) from None
    if keys.fingerprint(raw) != keys.normalized(peer.key_fingerprint):
        raise SyncError(gettext_noop("The peer's key does not match the fingerprint it was added with."))
    if peer.public_key and peer.public_key != keys.b64(raw):
        raise SyncError(gettext_noop("The peer signs with another key than before."))
    return raw


def backoff(failures: int) -> dt.timedelta:
    """Five minutes after one failure, doubling, at most a day."""
    return min(dt.timedelta(minutes=5) * 2 ** max(failures - 1, 0), dt.timedelta(days=1))


def sync(peer: PeerNetwork, *, now: dt.datetime | None = None) -> int:
    """Pull the peer's changes since its cursor; return how many records changed.

    Raises nothing: a refusal is recorded on the peer's row, and the directory is unchanged.
    """
    now = now or timezone.now()
    deadline = time.monotonic() + settings.FEDERATION_SYNC_SECONDS
    try:
        raw_key = _peer_key(peer, deadline)
        key = keys.verifying_key(raw_key)
        cursor, changes, reset = peer.cursor, {}, False
        for _page in range(MAX_PAGES):
            query = urlencode({"after": cursor, "limit": PAGE_LIMIT})
            payload = _verified_payload(
                fetch(f"{peer.base_url.rstrip('/')}{FEED}?{query}",
                      max_bytes=settings.FEDERATION_MAX_FEED_BYTES, deadline=deadline), key)
            if payload.get("reset") is True and not reset:
                reset, changes = True, {}
            next_cursor = payload.get("cursor")
            if isinstance(next_cursor, bool) or not isinstance(next_cursor, int) or next_cursor < 0:
                raise SyncError(gettext_noop("A feed page is malformed."))
            for raw in payload["records"]:
                change = clean_record(raw)
                changes[change.remote_id] = change
            more = payload.get("more") is True
            if more and next_cursor <= cursor:
                raise SyncError(gettext_noop("The peer's feed does not advance."))
            cursor = next_cursor
            if not more:
                break
        with transaction.atomic():
            locked = PeerNetwork.objects.select_for_update().filter(pk=peer.pk).first()
            if locked is None:
                return 0  # removed while we fetched: nothing to keep
            if reset:
                keep = [rid for rid, change in changes.items() if change.fields is not None]
                PeerChapter.objects.filter(network=locked).exclude(remote_id__in=keep).delete()
            gone = [rid for rid, change in changes.items() if change.fields is None]
            PeerChapter.objects.filter(network=locked, remote_id__in=gone).delete()
            PeerChapter.objects.bulk_create(
                [PeerChapter(network=locked, remote_id=rid, **change.fields)
                 for rid, change in changes.items() if change.fields is not None],
                update_conflicts=True, unique_fields=["network", "remote_id"],
                update_fields=STORED_FIELDS,
                batch_size=500)
            locked.cursor = cursor
            locked.public_key = keys.b64(raw_key)
            locked.last_attempt_at = locked.last_success_at = now
            locked.failures, locked.last_error = 0, ""
            locked.next_attempt_at = now + dt.timedelta(seconds=settings.FEDERATION_SYNC_INTERVAL)
            locked.save()
        return len(changes)
    except SyncError as error:
        _refused(peer, now, str(error))
        return 0
    except Exception:
        # Whatever else a peer's answer set off is still that peer's failure, never a reason
        # for the next peers to go unsynced: logged for us, recorded on the peer's row.
        logger.exception("Sync of peer %s failed", peer.pk)
        _refused(peer, now, gettext_noop("The peer's answer could not be read."))
        return 0


def _refused(peer: PeerNetwork, now: dt.datetime, error: str) -> None:
    failures = peer.failures + 1
    PeerNetwork.objects.filter(pk=peer.pk).update(
        last_attempt_at=now, failures=failures, last_error=error[:300],
        next_attempt_at=now + backoff(failures))


def sync_due(now: dt.datetime | None = None) -> int:
    """Sync every peer that is not paused and whose next attempt has come."""
    now = now or timezone.now()
    due = PeerNetwork.objects.filter(is_paused=False).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    return sum(sync(peer, now=now) for peer in due.order_by("pk"))
