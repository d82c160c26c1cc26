"""Two admins deciding at once: the row lock lets exactly one decision through."""

import threading

import pytest
from django.db import connection

from cdp import services
from cdp.enums import ApplicationState as S
from cdp.models import ApplicationEvent
from tests import factories
from tests.factories import make_application

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="SQLite has no row locks")


@pytest.mark.django_db(transaction=True)
def test_concurrent_decline_and_withdraw_make_one_move():
    from django.db import connections

    applicant = factories.make_user("racer@example.org")
    admin = factories.make_user("racer.admin@example.org", is_global_admin=True)
    application = make_application(applicant, state=S.IN_REVIEW)
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(to_state, actor, role):
        try:
            barrier.wait()
            services.transition(application, to_state, actor=actor, note="x", role=role)
            outcomes.append(to_state)
        except services.TransitionRefused:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(S.DECLINED, admin, services.ADMIN)),
               threading.Thread(target=attempt, args=(S.WITHDRAWN, applicant,
                                                      services.APPLICANT))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("refused") == 1
    assert ApplicationEvent.objects.filter(application=application).count() == 1
