"""The base: health check, production settings and the page layout."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.processes import run_django

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_answers_503_when_the_database_does_not():
    code = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(r.status_code, r.content.decode())"
    )
    result = run_django(
        code, DJANGO_SETTINGS_MODULE="twc.settings", SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="testserver", DJANGO_SECURE_SSL_REDIRECT="0",
        DATABASE_URL="postgres://nobody@127.0.0.1:9/nothing",
    )
    assert result.stdout.startswith("503 "), result.stderr
    assert '"database": "unavailable"' in result.stdout


def test_production_settings_pass_check_deploy():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")},
             "SECRET_KEY": "k3y-" + "a8Fz0qLm2xYw" * 5, "DJANGO_ALLOWED_HOSTS": "chapters.example.org"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_mode_refuses_to_start_without_a_secret_key():
    result = run_django("import django; django.setup()", DJANGO_SETTINGS_MODULE="twc.settings",
                        SECRET_KEY="")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_base_layout_is_accessible_and_csp_ready(client):
    response = client.get("/")
    html = response.content.decode()
    assert 'class="skip-link" href="#main"' in html
    assert '<main id="main"' in html
    assert 'name="language"' in html
    assert "<script>" not in html and "onclick" not in html and "style=" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]
