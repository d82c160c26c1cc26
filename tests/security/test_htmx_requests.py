"""An htmx request is only a way of asking for a page: it changes nobody's rights, breaks
no page and never gets, or leaves behind, another kind of answer.

htmx sends `HX-Request: true` and headers naming the element and the page it came from; the
views answer such a request with a fragment (`request.htmx`), and the cache of public pages
keeps fragments and full pages apart. Anyone can send these headers, with any value, on any
URL. So, for every URL of the permission table (tests/security/test_url_permissions.py) and
every persona:
- the outcome is the table's, headers or not (a refusal stays a refusal, a page a page);
- nothing answers a 500, whatever the header values;
and for the public pages the cache serves: a fragment is never served for a full page, or
the reverse, in either order.
"""

import pytest
from django.db import transaction

from core import pagecache
from tests.security.conftest import ALL_PERSONAS
from tests.security.test_url_permissions import TABLE, outcome_of

pytestmark = pytest.mark.django_db

# What htmx sends, and what anyone can send instead.
HEADER_SETS = [
    {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "directory-results",
     "HTTP_HX_CURRENT_URL": "http://testserver/chapters/"},
    {"HTTP_HX_REQUEST": "true", "HTTP_HX_BOOSTED": "true", "HTTP_HX_TRIGGER": "x",
     "HTTP_HX_TRIGGER_NAME": "q", "HTTP_HX_PROMPT": "<script>"},
    {"HTTP_HX_REQUEST": "1", "HTTP_HX_TARGET": "#a b\u202e", "HTTP_HX_CURRENT_URL": "javascript:1",
     "HTTP_HX_HISTORY_RESTORE_REQUEST": "true"},
    {"HTTP_HX_REQUEST": "false", "HTTP_HX_BOOSTED": "yes" * 300},
]


def _send(client, expect, url, headers):
    return getattr(client, expect.method)(url, {}, **headers)


@pytest.mark.parametrize("name", sorted(TABLE))
def test_htmx_headers_change_no_outcome(name, world):
    expect = TABLE[name]
    url = expect.url(name, world)
    wanted = {persona: expect.outcome(persona) for persona in ALL_PERSONAS}
    for index, headers in enumerate(HEADER_SETS):
        got = {}
        # Each set of headers meets the same data: an action one set made (a deletion) is
        # undone before the next.
        with transaction.atomic():
            for persona in ALL_PERSONAS:
                response = _send(world.client(persona), expect, url, headers)
                assert response.status_code < 500, (name, url, persona, index)
                got[persona] = outcome_of(response)
            transaction.set_rollback(True)
        pagecache.forget()
        assert got == wanted, (name, url, index)


@pytest.mark.parametrize("name", sorted(TABLE))
def test_a_nul_byte_in_an_htmx_header_is_refused_plainly(name, world):
    """A NUL byte anywhere in the request is refused with a 400 before any view runs
    (twc/middleware.py), htmx headers included: for everyone, on every URL."""
    expect = TABLE[name]
    url = expect.url(name, world)
    for persona in ("anonymous", "organizer", "admin"):
        response = _send(world.client(persona), expect, url,
                         {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "a\x00b"})
        assert response.status_code == 400, (name, persona)


PUBLIC_PAGES = ["/chapters/?q=Berlin", "/chapters/?q=Nowhere%20at%20all", "/chapters/",
                "/embed/chapters/?q=Berlin", "/sessions/", "/"]


@pytest.mark.parametrize("url", PUBLIC_PAGES)
@pytest.mark.parametrize("fragment_first", [True, False])
def test_a_cached_fragment_is_never_a_page_nor_a_page_a_fragment(url, fragment_first, world,
                                                                  client):
    """Whichever is asked for first and kept, each kind of request gets its own kind, the
    first time and from the cache."""
    def get(fragment: bool) -> str:
        headers = {"HTTP_HX_REQUEST": "true"} if fragment else {}
        response = client.get(url, **headers)
        assert response.status_code == 200
        return response.content.decode()

    kinds = [True, False] if fragment_first else [False, True]
    first = {fragment: get(fragment) for fragment in kinds}
    answers = [(fragment, get(fragment)) for fragment in kinds * 2]
    view_has_fragments = "<html" not in first[True]
    for fragment, html in answers:
        if fragment and view_has_fragments:
            assert "<html" not in html, (url, "a page served for a fragment")
        else:
            assert "<html" in html, (url, "a fragment served for a page")


@pytest.mark.parametrize("persona", [p for p in ALL_PERSONAS if p != "anonymous"])
@pytest.mark.parametrize("fragment", [True, False])
def test_what_a_signed_in_person_got_is_not_served_to_a_visitor(persona, fragment, world,
                                                               client):
    """A page or fragment rendered for a signed-in person is never kept for anyone else."""
    url = "/chapters/?q=Berlin"
    headers = {"HTTP_HX_REQUEST": "true"} if fragment else {}
    theirs = world.client(persona).get(url, **headers).content.decode()
    visitor = client.get(url, **headers).content.decode()
    if not fragment:
        assert "Sign out" in theirs
    assert "Sign out" not in visitor
