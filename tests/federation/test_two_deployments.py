"""Two deployments of this app, two networks, two databases, peering over real HTTP.

Deployment A is this test's live server (the TWC network, the test database). Deployment B
is the same code started as its own gunicorn process with another network's settings
(an IWW committee), its own database and its own key. Each publishes, each peers with the
other, and a worker in Dublin searching on A finds B's group there, labelled with B's
network; removing the peer on A removes B's groups again.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection

from chapters.models import PeerChapter, PeerNetwork
from federation import keys, services, sync
from tests import factories

ROOT = Path(settings.BASE_DIR)
B_NETWORK = "IWW Technology Workers Organizing Committee"

B_DATA = """
from chapters.models import Chapter
from members.models import MembershipPolicy, PolicyVersion
policy = MembershipPolicy.objects.create(is_network_baseline=True)
policy.current_version = PolicyVersion.objects.create(
    policy=policy, number=1, exclude_owners_executives_investors=True)
policy.save()
chapter = Chapter.objects.create(
    slug="dublin", name="IWW Dublin Tech Workers", city="Dublin", country="IE",
    latitude=53.34399, longitude=-6.26719, languages=["en", "ga"], timezone="Europe/Dublin")
"""

B_PEERS_WITH_A = """
import os
from chapters.models import PeerNetwork, PeerChapter
from federation import sync
peer = PeerNetwork.objects.create(name="Tech Workers Coalition", slug="twc",
                                  base_url=os.environ["PEER_URL"],
                                  key_fingerprint=os.environ["PEER_FINGERPRINT"])
sync.sync(peer)
peer.refresh_from_db()
print(peer.last_error or "ok", PeerChapter.objects.count())
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_for_b(tmp_path: Path) -> tuple[str, callable]:
    """A database of B's own: a fresh PostgreSQL database when A runs on PostgreSQL."""
    if connection.vendor != "postgresql":
        return f"sqlite:///{tmp_path / 'b.sqlite3'}", lambda: None
    import psycopg

    url = urlsplit(os.environ["DATABASE_URL"])
    name = f"twc_peer_b_{os.getpid()}"
    admin = urlunsplit(url._replace(path="/postgres"))

    def run(statement: str) -> None:
        with psycopg.connect(admin, autocommit=True) as pg:
            pg.execute(statement)

    run(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    run(f'CREATE DATABASE "{name}"')
    return urlunsplit(url._replace(path=f"/{name}")), lambda: run(
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.read()


@pytest.fixture
def deployment_b(tmp_path):
    database_url, drop = _database_for_b(tmp_path)
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "NETWORK_NAME": B_NETWORK,
           "NETWORK_SHORT_NAME": "IWW TWOC", "SECRET_KEY": "another-deployment-another-key",
           "SITE_URL": f"http://127.0.0.1:{port}", "FEDERATION_ALLOW_HTTP": "1",
           "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost", "DJANGO_SECURE_SSL_REDIRECT": "0",
           "FEDERATION_TIMEOUT": "5"}
    env.pop("DJANGO_DEBUG", None)

    def manage(*args: str, **extra_env: str) -> str:
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT,
                              env={**env, **extra_env},
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    manage("migrate", "--no-input", "-v", "0")
    manage("shell", "-c", B_DATA)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "twc.wsgi", "-b", f"127.0.0.1:{port}", "-w", "1",
         "--access-logfile", "-", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                _get(url + "/healthz")
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(server.stderr.read().decode()[-3000:])
                time.sleep(0.1)
        yield url, manage
    finally:
        server.terminate()
        server.wait(timeout=10)
        drop()


@pytest.mark.django_db(transaction=True)
def test_two_deployments_publish_peer_and_find_each_others_groups(
        live_server, deployment_b, gazetteer, settings, client):
    settings.FEDERATION_ALLOW_HTTP = True
    b_url, b_manage = deployment_b
    factories.make_policy(None, exclude_owners_executives_investors=True)
    factories.make_chapter("berlin", name="TWC Berlin", city="Berlin")

    # A Global admin of A adds B with the fingerprint B's admins read out to them.
    b_document = json.loads(_get(b_url + "/.well-known/chapter-directory"))
    assert b_document["network"] == B_NETWORK
    peer = PeerNetwork.objects.create(name=B_NETWORK, slug="iww", base_url=b_url,
                                      key_fingerprint=b_document["fingerprint"])
    assert sync.sync(peer) == 1
    peer.refresh_from_db()
    assert peer.last_error == ""

    html = client.get("/chapters/", {"q": "Dublin"}).content.decode()
    assert "IWW Dublin Tech Workers" in html and B_NETWORK in html
    assert f"{b_url}/chapters/dublin/" in html
    assert "No chapter within 100 km" not in html

    # B peers with A the same way and finds A's chapter through its own API.
    output = b_manage("shell", "-c", B_PEERS_WITH_A, PEER_URL=live_server.url,
                      PEER_FINGERPRINT=keys.own_fingerprint())
    assert output.split()[-2:] == ["ok", "1"], output
    api = json.loads(_get(b_url + "/api/chapters/?peers_after=0"))
    assert [f["properties"]["name"] for f in api["features"]] == ["TWC Berlin"]
    assert api["features"][0]["properties"]["network"]["name"] == "Tech Workers Coalition"

    # A peer with a fingerprint that is not B's changes nothing; removing B removes its groups.
    impostor = PeerNetwork.objects.create(name="Impostor", slug="impostor",
                                          base_url=b_url + "/", key_fingerprint="ab" * 32)
    sync.sync(impostor)
    assert PeerChapter.objects.filter(network=impostor).count() == 0
    services.remove_peer(peer, actor=None)
    html = client.get("/chapters/", {"q": "Dublin"}).content.decode()
    assert "IWW Dublin Tech Workers" not in html
