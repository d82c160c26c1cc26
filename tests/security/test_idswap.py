"""The id-swap helper itself, on a page that takes a chapter from the URL."""

import pytest

from tests.security.idswap import assert_id_swap_refused


def test_an_unknown_chapter_slug_is_refused(alice, as_user, chapter_a):
    assert_id_swap_refused(as_user(alice), "chapters:detail",
                           own={"slug": chapter_a.slug}, foreign={"slug": "no-such-chapter"})


def test_the_helper_fails_when_a_foreign_id_is_served(alice, as_user, chapter_a, chapter_b):
    with pytest.raises(AssertionError, match="foreign id answered 200"):
        assert_id_swap_refused(as_user(alice), "chapters:detail",
                               own={"slug": chapter_a.slug}, foreign={"slug": chapter_b.slug})
