"""A launched chapter's slug never takes a path the directory uses."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["Map", "Near", "Partners"])
def test_a_launched_chapter_never_takes_a_directory_path_as_its_slug(name):
    from cdp.services import chapter_slug

    slug = chapter_slug(name)
    assert slug == f"{name.lower()}-2"
