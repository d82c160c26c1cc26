"""PostgreSQL: a trigram index for the peers' groups found by name in a search.

Every search with typed text looks for peer networks' groups whose name holds it
(`name__icontains`, written `UPPER(name) LIKE UPPER('%daejeon%')`): no B-tree serves that, so
at 10,000 peer groups each search scanned the table (6.5 ms, the costliest of its queries).
The same GIN trigram index as our own chapters' name (0006) serves it.
"""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS peer_chapter_name_trgm_idx ON chapters_peerchapter "
        "USING gin (UPPER(name::text) gin_trgm_ops)")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS peer_chapter_name_trgm_idx")


class Migration(migrations.Migration):

    dependencies = [
        ("chapters", "0010_merge_secinput"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
