"""A fake peer network: a real HTTP server on 127.0.0.1 that signs what a test gives it.

It speaks the federation's two URLs (the key document and the feed) and can misbehave the
ways a peer can: tamper with a signed page, sign with another key, send too much, hang,
redirect, or answer garbage.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc import jws
from joserfc.jwk import OKPKey

from federation import keys
from tests.gazetteer import _gazetteer_once, gazetteer  # noqa: F401


def peer_record(remote_id: str, **fields) -> dict:
    record = {
        "id": remote_id, "network": "IWW Technology Workers Organizing Committee",
        "name": "IWW Dublin Tech Workers", "kind": "local", "status": "active",
        "city": "Dublin", "region": "Leinster", "country": "IE",
        "latitude": 53.34399, "longitude": -6.26719, "languages": ["en", "ga"],
        "successor": None, "who_may_join": ["Bosses may not join."],
        "contact": {"email": "dublin@iww.example.org", "website": "https://iww.example.org"},
        "url": f"https://iww.example.org/chapters/{remote_id}/",
        "updated": "2026-11-30T10:00:00+00:00",
    }
    record.update(fields)
    return record


@dataclass
class FakePeer:
    key: OKPKey = field(default_factory=lambda: OKPKey.generate_key("Ed25519"))
    records: list[dict] = field(default_factory=list)
    mode: str = "good"  # good, tamper, other_key, oversized, hang, redirect, garbage
    requests: list[dict] = field(default_factory=list)
    url: str = ""

    @property
    def fingerprint(self) -> str:
        return keys.fingerprint(keys.unb64(self.key.as_dict(private=False)["x"]))

    def sign(self, payload: dict, key: OKPKey | None = None) -> str:
        return jws.serialize_compact({"alg": keys.ALGORITHM}, json.dumps(payload).encode(),
                                     key or self.key, algorithms=[keys.ALGORITHM])

    def feed_page(self, after: int, limit: int) -> str:
        numbered = list(enumerate(self.records, start=1))
        rows = [(n, r) for n, r in numbered if n > after][:limit]
        more = bool(rows) and rows[-1][0] < len(self.records)
        payload = {"network": {"name": "IWW TWOC"}, "after": after,
                   "cursor": rows[-1][0] if rows else after, "more": more,
                   "records": [r for _n, r in rows]}
        if self.mode == "other_key":
            return self.sign(payload, OKPKey.generate_key("Ed25519"))
        token = self.sign(payload)
        if self.mode == "tamper":
            header, body, signature = token.split(".")
            text = keys.unb64(body).replace(b"Dublin", b"Dubl1n")
            token = ".".join([header, keys.b64(text), signature])
        return token


@pytest.fixture
def fake_peer():
    peer = FakePeer()

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):  # quiet
            pass

        def answer(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self):
            parts = urlsplit(self.path)
            peer.requests.append({"path": parts.path, "headers": dict(self.headers)})
            if peer.mode == "hang":
                time.sleep(3)
                return
            if peer.mode == "redirect":
                self.send_response(302)
                self.send_header("Location", "http://127.0.0.1:1/private")
                self.end_headers()
                return
            if parts.path == "/.well-known/chapter-directory":
                document = {"network": "IWW TWOC", "key": peer.key.as_dict(private=False)}
                return self.answer(200, json.dumps(document).encode(), "application/json")
            if parts.path == "/federation/feed/":
                if peer.mode == "garbage":
                    return self.answer(200, b"<html>not a feed</html>", "text/html")
                if peer.mode == "oversized":
                    return self.answer(200, b"x" * (2 * 1024 * 1024), "application/jose")
                query = parse_qs(parts.query)
                token = peer.feed_page(int(query.get("after", ["0"])[0]),
                                       int(query.get("limit", ["500"])[0]))
                return self.answer(200, token.encode(), "application/jose")
            return self.answer(404, b"", "text/plain")

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    peer.url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield peer
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def federation_settings(settings):
    settings.FEDERATION_ALLOW_HTTP = True
    settings.FEDERATION_TIMEOUT = 1
    settings.FEDERATION_SYNC_SECONDS = 5
    settings.FEDERATION_MAX_FEED_BYTES = 1024 * 1024
    return settings


@pytest.fixture
def admin_client_mfa(admin_user):
    from tests.conftest import signed_in

    return signed_in(admin_user)
