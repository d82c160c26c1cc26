"""Response headers under production settings, scored by the Mozilla HTTP Observatory's rules.

The rules (github.com/mozilla/http-observatory, httpobs/docs/scoring.md): every site starts at
100; a missing or weak header costs points, and bonuses (only counted from 90 up) reward a
CSP with `default-src 'none'`, frame-ancestors instead of X-Frame-Options alone, a private
Referrer-Policy, SameSite cookies and HSTS preloading. A+ is 100 or more.

The pages are requested in a fresh process with production settings (DEBUG off, a real
SECRET_KEY, HTTPS through X-Forwarded-Proto as behind the proxy) and the real middleware.
"""

import json
import pytest

from tests.processes import run_django

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "twc.settings",
    "SECRET_KEY": "k3y-" + "a8Fz0qLm2xYw" * 5,
    "DJANGO_ALLOWED_HOSTS": "chapters.example.org",
    "DJANGO_STATIC_MANIFEST": "0",
}

# Pages fetched: the front door, a page that sets the CSRF cookie (sign in) and a redirect.
SCRIPT = """
import json, django
django.setup()
from django.test import Client
client = Client(HTTP_HOST="chapters.example.org", HTTP_X_FORWARDED_PROTO="https")
out = {}
for path in ["/", "/accounts/login/", "/i18n/setlang/"]:
    if path == "/i18n/setlang/":
        r = client.post(path, {"language": "de", "next": "/"})
    else:
        r = client.get(path)
    out[path] = {
        "status": r.status_code,
        "headers": dict(r.headers.items()),
        "cookies": [m.OutputString() for m in r.cookies.values()],
    }
plain = Client(HTTP_HOST="chapters.example.org").get("/chapters/")
out["http"] = {"status": plain.status_code, "location": plain.headers.get("Location", "")}
print("RESULT" + json.dumps(out))
"""


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """Responses from a fresh production-mode process. Its database stays empty: these
    pages are served to strangers without a query."""
    db = tmp_path_factory.mktemp("prod") / "db.sqlite3"
    result = run_django(SCRIPT, DATABASE_URL=f"sqlite:///{db}", **PRODUCTION)
    line = next((ln for ln in result.stdout.splitlines() if ln.startswith("RESULT")), None)
    assert line, result.stdout + result.stderr
    return json.loads(line[len("RESULT"):])


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def parse_cookie(set_cookie: str) -> tuple[str, dict[str, str | bool]]:
    name, _, rest = set_cookie.partition("=")
    attributes: dict[str, str | bool] = {}
    for attribute in rest.split(";")[1:]:
        key, _, value = attribute.strip().partition("=")
        attributes[key.lower()] = value or True
    return name, attributes


def observatory_score(headers: dict[str, str], cookies: list[str]) -> tuple[int, list[str]]:
    """The Observatory's score for one response's headers and cookies, with the reasons."""
    reasons: list[str] = []
    penalties, bonuses = [0], [0]

    def penalty(points: int, reason: str) -> None:
        penalties.append(points)
        reasons.append(reason)

    def reward(points: int, reason: str) -> None:
        bonuses.append(points)
        reasons.append(reason)

    csp = csp_directives(headers.get("Content-Security-Policy", ""))
    scripts = csp.get("script-src", csp.get("default-src", []))
    styles = csp.get("style-src", csp.get("default-src", []))
    if not csp:
        penalty(25, "csp-not-implemented")
    elif "'unsafe-inline'" in scripts:
        penalty(20, "csp-implemented-with-unsafe-inline")
    elif any("'unsafe-eval'" in values for values in csp.values()):
        penalty(10, "csp-implemented-with-unsafe-eval")
    elif any(v.startswith("http:") for values in csp.values() for v in values):
        penalty(20, "csp-implemented-with-insecure-scheme")
    elif csp.get("default-src") == ["'none'"] and "'unsafe-inline'" not in styles:
        reward(10, "csp-implemented-with-no-unsafe-default-src-none")
    else:
        reward(5, "csp-implemented-with-no-unsafe")

    hsts = headers.get("Strict-Transport-Security", "")
    max_age = next((int(p.split("=")[1]) for p in hsts.split(";") if "max-age" in p), 0)
    if max_age < 15_768_000:
        penalty(20 if not hsts else 10, "hsts-too-short-or-missing")
    elif "preload" in hsts and "includeSubDomains" in hsts:
        reward(5, "hsts-preload-ready")

    if headers.get("X-Content-Type-Options", "").lower() != "nosniff":
        penalty(5, "x-content-type-options-not-implemented")

    if csp.get("frame-ancestors") in (["'none'"], ["'self'"]):
        reward(5, "x-frame-options-implemented-via-csp")
    elif headers.get("X-Frame-Options", "").upper() not in {"DENY", "SAMEORIGIN"}:
        penalty(20, "x-frame-options-not-implemented")

    referrer = headers.get("Referrer-Policy", "").split(",")[-1].strip()
    if referrer in {"no-referrer", "same-origin", "strict-origin",
                    "strict-origin-when-cross-origin"}:
        reward(5, "referrer-policy-private")
    elif referrer == "unsafe-url" or referrer == "no-referrer-when-downgrade":
        penalty(5, "referrer-policy-unsafe")

    if headers.get("Access-Control-Allow-Origin") == "*":
        penalty(50, "cross-origin-resource-sharing-with-universal-access")

    parsed = [parse_cookie(c) for c in cookies]
    if parsed:
        if not all(attrs.get("secure") for _, attrs in parsed):
            penalty(40, "cookies-without-secure-flag")
        elif not all(attrs.get("httponly") for name, attrs in parsed if "session" in name):
            penalty(30, "cookies-session-without-httponly-flag")
        elif all(attrs.get("samesite") in {"Lax", "Strict"} for _, attrs in parsed):
            reward(5, "cookies-secure-with-httponly-sessions-and-samesite")

    score = 100 - sum(penalties)
    if score >= 90:  # bonuses count only for sites that already earn an A
        score += sum(bonuses)
    return score, reasons


def test_the_scorer_fails_a_site_without_security_headers():
    score, reasons = observatory_score({}, ["sessionid=x; Path=/"])
    assert score == 100 - 25 - 20 - 5 - 20 - 40
    assert "csp-not-implemented" in reasons and "cookies-without-secure-flag" in reasons
    unsafe = {"Content-Security-Policy": "default-src 'self'; script-src 'self' 'unsafe-inline'"}
    assert "csp-implemented-with-unsafe-inline" in observatory_score(unsafe, [])[1]


@pytest.mark.parametrize("path", ["/", "/accounts/login/"])
def test_pages_score_a_plus_on_the_observatory_rules(production, path):
    response = production[path]
    assert response["status"] == 200
    score, reasons = observatory_score(response["headers"], response["cookies"])
    assert score >= 100, reasons
    # Every bonus but Subresource Integrity (pointless for same-origin scripts): 135 - 5.
    assert score == 130 - 5 * (not response["cookies"]), reasons


def test_csp_is_strict_and_has_no_unsafe_sources(production):
    csp = csp_directives(production["/"]["headers"]["Content-Security-Policy"])
    assert csp["default-src"] == ["'none'"]
    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["base-uri"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert "upgrade-insecure-requests" in csp
    for values in csp.values():
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*", "http:", "https:"} & set(values)


def test_hsts_lasts_two_years_with_subdomains_and_preload(production):
    hsts = production["/"]["headers"]["Strict-Transport-Security"]
    assert hsts == "max-age=63072000; includeSubDomains; preload"


def test_content_type_sniffing_and_framing_are_refused(production):
    headers = production["/"]["headers"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"


def test_referrer_and_permissions_policies(production):
    headers = production["/"]["headers"]
    assert headers["Referrer-Policy"] == "same-origin"
    permissions = headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "payment=()", "usb=()"):
        assert feature in permissions


def test_cross_origin_isolation_headers(production):
    headers = production["/"]["headers"]
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert headers["Cross-Origin-Embedder-Policy"] == "require-corp"
    assert "Access-Control-Allow-Origin" not in headers


def test_csrf_cookie_is_host_bound_secure_httponly_and_samesite(production):
    cookies = dict(parse_cookie(c) for c in production["/accounts/login/"]["cookies"])
    attributes = cookies["__Host-csrftoken"]
    assert attributes["secure"] and attributes["httponly"]
    assert attributes["samesite"] == "Lax"
    assert attributes["path"] == "/" and "domain" not in attributes


def test_language_cookie_is_secure_httponly_and_samesite(production):
    cookies = dict(parse_cookie(c) for c in production["/i18n/setlang/"]["cookies"])
    attributes = cookies["django_language"]
    assert attributes["secure"] and attributes["httponly"]
    assert attributes["samesite"] == "Lax"


def test_plain_http_is_redirected_to_https(production):
    assert production["http"]["status"] == 301
    assert production["http"]["location"].startswith("https://chapters.example.org/")


def test_session_cookie_is_host_bound_secure_httponly_and_samesite(client, db):
    """The session cookie appears on sign-in (by emailed code); its flags as sent."""
    from django.core import mail

    from tests import factories
    from tests.login_codes import code_from

    factories.make_user("cookie@example.org")
    client.post("/accounts/login/code/", {"email": "cookie@example.org"}, secure=True)
    response = client.post(
        "/accounts/login/code/confirm/", {"code": code_from(mail.outbox[-1])}, secure=True,
    )
    assert response.status_code == 302
    morsel = response.cookies["__Host-sessionid"]
    assert morsel["secure"] and morsel["httponly"] and morsel["samesite"] == "Lax"
    assert morsel["path"] == "/" and not morsel["domain"]
