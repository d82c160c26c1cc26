"""Garbage in, never a 500: every GET parameter and form field named in the permission table.

The targets come from TABLE (test_url_permissions.py): an entry's `query` names the GET
parameters to fuzz, its `form` the POST fields, and every entry with `kwargs` gets unknown and
huge ids in its URL. A new page joins by being in the table.
Each page is requested as the most privileged persona that the table lets in, so the
fuzzed code path is the full one.
"""

from __future__ import annotations

import re
from html import escape

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.conftest import ALL_PERSONAS
from tests.security.test_url_permissions import LOGIN, TABLE

FUZZ = settings(max_examples=30, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

# Text of every kind, numbers far out of range, and other types' spellings.
garbage = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=50),
    st.integers().map(str),
    st.integers(min_value=10**18, max_value=10**400).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["", " ", "-1", "0", "null", "[]", "{}", "true", "1e309", "NaN",
                     "../../etc/passwd", "<script>alert(1)</script>", "' OR 1=1 --",
                     "%00", "\x00", "9" * 5000, "ü" * 1000]),
)
# A parameter given once, or several times.
values = st.one_of(garbage, st.lists(garbage, min_size=2, max_size=3))


def privileged_persona(name: str) -> str:
    expect = TABLE[name]
    return next((p for p in reversed(ALL_PERSONAS) if expect.outcome(p) not in (LOGIN, 403, 404)),
                "admin")


def url_value(example):
    """Garbage that still fits the URL converter of the example value (int or slug)."""
    if isinstance(example, int):
        return st.integers(min_value=0, max_value=10**40)
    return st.from_regex(r"[-a-zA-Z0-9_]{1,120}", fullmatch=True)


ID_TARGETS = sorted(name for name, expect in TABLE.items() if expect.kwargs)
QUERY_TARGETS = sorted(name for name, expect in TABLE.items() if expect.query)
FORM_TARGETS = sorted(name for name, expect in TABLE.items() if expect.form)


def test_the_fuzzed_pages_include_the_lists_and_the_sign_in_forms():
    assert {"chapters:directory", "onboarding:list", "audit:log"} <= set(QUERY_TARGETS)
    assert {"account_signup", "account_request_login_code"} <= set(FORM_TARGETS)


@pytest.mark.parametrize("name", QUERY_TARGETS)
def test_garbage_query_parameters_never_cause_a_server_error(name, world):
    expect = TABLE[name]
    client = world.client(privileged_persona(name))
    url = expect.url(name, world)

    @FUZZ
    @given(st.fixed_dictionaries({}, optional={param: values for param in expect.query}))
    def check(params):
        response = client.get(url, params, headers={"HX-Request": "true"})
        assert response.status_code in (200, 400, 404), (params, response.status_code)

    check()


@pytest.mark.parametrize("name", ID_TARGETS)
def test_unknown_or_huge_ids_in_the_url_never_cause_a_server_error(name, world):
    from django.urls import reverse

    expect = TABLE[name]
    client = world.client(privileged_persona(name))
    examples = expect.kwargs(world)

    @FUZZ
    @given(st.fixed_dictionaries({key: url_value(value) for key, value in examples.items()}))
    def check(kwargs):
        response = getattr(client, expect.method)(reverse(name, kwargs=kwargs))
        assert response.status_code < 500, (kwargs, response.status_code)

    check()


def _kept(value: str, html: str) -> bool:
    return escape(value, quote=True) in html or escape(value, quote=False) in html


@pytest.mark.parametrize("name", FORM_TARGETS)
def test_garbage_form_data_is_refused_with_what_was_typed_kept(name, world):
    expect = TABLE[name]
    url = expect.url(name, world)
    client = world.client(expect.form_persona)

    @FUZZ
    @given(st.fixed_dictionaries({field: garbage for field in expect.form}))
    def check(data):
        cache.clear()  # rate limits would otherwise answer every later example
        response = client.post(url, data)
        assert response.status_code in (200, 302, 400), (data, response.status_code)
        if response.status_code != 302:
            html = response.content.decode()
            for field, value in data.items():
                if field in expect.choices:
                    continue
                # Surrounding spaces and control characters are the browser's to keep.
                if value == value.strip() and not re.search(r"[\x00-\x1f\x7f]", value):
                    assert _kept(value, html), (value, response.status_code)

    check()
