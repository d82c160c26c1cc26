"""The benchmark in miniature: the seeder's own code paths at two tiny sizes, and the query
count of every GET page the benchmark drives, which must not grow with the data.

The real benchmark (bench/run.py) is not a test and never runs in CI.
"""

import pytest
from django.db import transaction

from bench import probe, seed
from bench.targets import TARGETS

# Marked so pytest-django creates the test database the module fixture seeds.
pytestmark = pytest.mark.django_db

TINY, LESS_TINY = 0.0002, 0.0005  # a few hundred rows, then about twice as many
GET_TARGETS = [t for t in TARGETS if t.method == "GET" and not t.ceiling]


def _measure(scale: float) -> dict[str, dict]:
    timings = seed.run(scale, verbose=False)
    values = probe.placeholders()
    cookie = probe.organizer_cookie()
    admin_cookie = probe.organizer_cookie(seed.ADMIN_ID)
    out = {"_rows": timings["(total)"][0]}
    for target in GET_TARGETS:
        try:
            path = target.path.format(**values)
        except KeyError:
            path = None
        if path is None or "None" in path:
            out[target.name] = {"path": None}
            continue
        out[target.name] = {"path": path, **probe.count_queries(
            path, admin_cookie if target.signed_in == "admin"
            else cookie if target.signed_in else None)}
    return out


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker):
    """Seed, measure, seed bigger, measure; all rolled back afterwards."""
    with django_db_blocker.unblock(), transaction.atomic():
        results = (_measure(TINY), _measure(LESS_TINY))
        transaction.set_rollback(True)
    return results


def test_seeder_writes_more_rows_at_a_bigger_scale(measured):
    small, bigger = measured
    assert 200 < small["_rows"] < bigger["_rows"]


@pytest.mark.parametrize("name", [t.name for t in GET_TARGETS])
def test_benchmark_page_makes_the_same_few_queries_at_both_sizes(measured, name):
    small, bigger = (m[name] for m in measured)
    if small["path"] is None:
        pytest.skip(f"{name}: nothing to point it at yet (its data is not seeded yet)")
    if small["status"] == 404:
        pytest.skip(f"{name}: {small['path']} does not exist yet (404)")
    assert small["status"] == bigger["status"] == 200, (small, bigger)
    assert small["queries"] == bigger["queries"], (small, bigger)
    assert small["queries"] <= 10
