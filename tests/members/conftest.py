import pytest

from tests import factories
from tests.conftest import signed_in


@pytest.fixture
def pending(chapter_a):
    """Dana asked to join chapter A and waits."""
    user = factories.make_user("dana@example.org", display_name="Dana", work_kind="support")
    return factories.make_membership(user, chapter_a, status="pending",
                                     answers={"questions": {}})


@pytest.fixture
def pending_b(chapter_b):
    user = factories.make_user("erin@example.org", display_name="Erin")
    return factories.make_membership(user, chapter_b, status="pending")


@pytest.fixture
def member_b(chapter_b):
    user = factories.make_user("finn@example.org", display_name="Finn")
    return factories.make_membership(user, chapter_b)


@pytest.fixture
def client_of():
    return signed_in
