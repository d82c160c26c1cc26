"""PostgreSQL: a trigram index for the directory's "chapters with that name" (icontains).

Django writes `name__icontains` as `UPPER(name) LIKE UPPER('%berlin%')`, which no B-tree can
serve: at 10,000 chapters every search scanned the table (6 ms). A GIN trigram index on
the same expression serves it. pg_trgm ships with PostgreSQL and is a trusted extension
(the database owner may create it). SQLite has no such index and needs none at its sizes.
"""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS chapter_name_trgm_idx ON chapters_chapter "
        "USING gin (UPPER(name::text) gin_trgm_ops)")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS chapter_name_trgm_idx")


class Migration(migrations.Migration):

    dependencies = [
        ("chapters", "0005_data_versions"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
