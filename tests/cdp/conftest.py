import pytest

from cdp.enums import ApplicationState
from tests import factories
from tests.factories import make_application, make_place


@pytest.fixture
def applicant(db):
    return factories.make_user("applicant@example.org", display_name="Ines")


@pytest.fixture
def other_applicant(db):
    return factories.make_user("other.applicant@example.org")


@pytest.fixture
def other_coach(db):
    return factories.make_user("coach2@example.org", mfa=True, is_coach=True)


@pytest.fixture
def lisbon(db):
    return make_place()


@pytest.fixture
def application(applicant, lisbon, coach):
    return make_application(applicant, place=lisbon, coach=coach)


@pytest.fixture
def in_program(applicant, lisbon, coach, baseline):
    return make_application(applicant, place=lisbon, coach=coach,
                            state=ApplicationState.IN_PROGRAM)
