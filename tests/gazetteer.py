"""The gazetteer for tests: loaded once per test database, and again after a flush."""

import pytest

from chapters.gazetteer import is_loaded, load_places


@pytest.fixture(scope="session")
def _gazetteer_once(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_places()


@pytest.fixture
def gazetteer(_gazetteer_once, db):
    """Places and their names; a transactional test before this one may have flushed them."""
    if not is_loaded():
        load_places()
