"""How long one peer's sync takes: a full first sync of N groups, then a sync of a few
changes, for each of several peers served by a local signed feed on 127.0.0.1.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/twc_bench uv run python bench/peer_sync.py

It adds peer networks named "Sync bench N" and removes them afterwards; figures go by hand
to docs/performance.md ("Federation").
"""

from __future__ import annotations

import argparse
import http.server
import json
import statistics
import threading
import time
from urllib.parse import parse_qs, urlsplit

from seed import setup_django  # bench/ is on sys.path when run as a script


def serve(records: list[dict], key) -> tuple[http.server.ThreadingHTTPServer, str]:
    from joserfc import jws

    from federation import keys

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            parts = urlsplit(self.path)
            if parts.path == "/.well-known/chapter-directory":
                body = json.dumps({"key": key.as_dict(private=False)}).encode()
            else:
                query = parse_qs(parts.query)
                after, limit = int(query["after"][0]), int(query["limit"][0])
                rows = [(n, r) for n, r in enumerate(records, start=1) if n > after][:limit]
                payload = {"cursor": rows[-1][0] if rows else after,
                           "more": bool(rows) and rows[-1][0] < len(records),
                           "records": [r for _n, r in rows]}
                body = jws.serialize_compact({"alg": keys.ALGORITHM},
                                             json.dumps(payload).encode(), key,
                                             algorithms=[keys.ALGORITHM]).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def record(network: int, n: int) -> dict:
    return {"id": str(n), "name": f"Sync bench {network} group {n}", "kind": "local",
            "status": "active", "city": "Town", "region": "", "country": "IE",
            "latitude": -60 + (n % 1000) / 10, "longitude": -170 + network, "languages": ["en"],
            "successor": None, "who_may_join": ["Bosses may not join."],
            "contact": {"email": "", "website": ""},
            "url": f"https://sync-bench-{network}.example.org/chapters/{n}/",
            "updated": "2026-11-30T10:00:00+00:00"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--peers", type=int, default=10)
    parser.add_argument("--groups", type=int, default=1000)
    args = parser.parse_args()
    setup_django()
    from django.conf import settings
    from joserfc.jwk import OKPKey

    from chapters.models import PeerChapter, PeerNetwork
    from federation import keys, sync

    settings.FEDERATION_ALLOW_HTTP = True
    full, incremental = [], []
    for network in range(1, args.peers + 1):
        key = OKPKey.generate_key("Ed25519")
        records = [record(network, n) for n in range(1, args.groups + 1)]
        server, url = serve(records, key)
        peer = PeerNetwork.objects.create(
            name=f"Sync bench {network}", slug=f"sync-bench-{network}", base_url=url,
            key_fingerprint=keys.fingerprint(keys.unb64(key.as_dict(private=False)["x"])))
        try:
            t = time.perf_counter()
            changed = sync.sync(peer)
            full.append(time.perf_counter() - t)
            assert changed == args.groups, (changed, PeerNetwork.objects.get(pk=peer.pk).last_error)
            records += [dict(records[n], name=f"Renamed {n}") for n in range(10)]
            peer.refresh_from_db()
            t = time.perf_counter()
            assert sync.sync(peer) == 10
            incremental.append(time.perf_counter() - t)
        finally:
            server.shutdown()
            PeerChapter.objects.filter(network=peer).delete()
            peer.delete()
    print(f"{args.peers} peers of {args.groups} groups")
    print(f"full sync per peer: median {statistics.median(full) * 1000:.0f} ms, "
          f"max {max(full) * 1000:.0f} ms")
    print(f"sync of 10 changes: median {statistics.median(incremental) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
