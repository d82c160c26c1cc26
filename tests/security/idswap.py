"""A helper for each app's "swapping an id is refused" tests.

    from tests.security.idswap import assert_id_swap_refused

    def test_organizer_cannot_decide_on_another_chapters_request(alice, as_user, req_a, req_b):
        assert_id_swap_refused(
            as_user(alice), "members:decide", own={"pk": req_a.pk}, foreign={"pk": req_b.pk},
            method="post", data={"decision": "approve"},
            unchanged=lambda: req_b.__class__.objects.filter(pk=req_b.pk).values().get(),
        )
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse


def assert_id_swap_refused(
    client, url_name: str, *, own: dict[str, Any], foreign: dict[str, Any],
    method: str = "get", data: dict | None = None, refused: tuple[int, ...] = (403, 404),
    unchanged: Callable[[], Any] | None = None, check_own: bool = True,
) -> None:
    """The same request with the person's own ids works; with another chapter's ids it is
    refused (403/404) and, when `unchanged` is given, what it reads stays the same."""
    send = getattr(client, method)
    if check_own and method == "get":
        response = send(reverse(url_name, kwargs=own), data or {})
        assert response.status_code < 400, f"own ids refused: {response.status_code}"
    before = unchanged() if unchanged else None
    response = send(reverse(url_name, kwargs=foreign), data or {})
    assert response.status_code in refused, (
        f"{url_name} with a foreign id answered {response.status_code}"
    )
    if unchanged:
        assert unchanged() == before, f"{url_name} with a foreign id changed data"
