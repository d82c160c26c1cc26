"""On PostgreSQL the name searches of the directory are served by their trigram indexes.

A search with typed text looks for our chapters and peers' groups whose name holds it
(`name__icontains`, `UPPER(name) LIKE '%...%'`), which no B-tree can serve: without the GIN
trigram index on that same expression every search scans the table (at 10,000 peer groups,
6.5 ms a search). The plan is read with sequential scans disfavoured, so that a test table
of a few rows shows which index the planner can use for the query Django writes.
"""

import pytest
from django.db import connection, transaction

from chapters.search import Filters, filtered, filtered_peers

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes"),
]


def plan(queryset) -> str:
    with transaction.atomic():
        with connection.cursor() as cursor:
            # GIN serves only bitmap scans: with plain index scans off too, a B-tree in name
            # order (chosen once other tests' rows changed the statistics) is no way out.
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_indexscan = off")
        return queryset.explain()


@pytest.mark.parametrize(("query", "index"), [
    (lambda: filtered(Filters()), "chapter_name_trgm_idx"),
    (lambda: filtered_peers(Filters()), "peer_chapter_name_trgm_idx"),
])
def test_a_name_search_uses_the_trigram_index(query, index):
    assert index in plan(query().filter(name__icontains="Daejeon").order_by("name")[:10])
