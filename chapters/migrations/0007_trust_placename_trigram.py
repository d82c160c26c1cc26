"""PostgreSQL: a trigram index on the gazetteer's name keys, for "Did you mean Berlin?".

A misspelt place ("Berln", "Torno") matches no key exactly; the nearest keys by trigram
similarity (`key % 'berln'`) are found through this index in milliseconds instead of a
scan of a third of a million names. SQLite has no such index: `geo.suggest_places` falls
back to a bounded candidate set and difflib there.
"""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS placename_key_trgm_idx ON chapters_placename "
        "USING gin (key gin_trgm_ops)")


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS placename_key_trgm_idx")


class Migration(migrations.Migration):

    dependencies = [
        ("chapters", "0006_chapter_name_trigram_index"),
    ]

    operations = [
        migrations.RunPython(forward, backward),
    ]
