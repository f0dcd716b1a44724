"""SQLite: the FTS5 table gains 2- and 3-letter prefix indexes (as-you-type prefix matches on common
beginnings were reading every matching word's list). Rebuilt from the documents; nothing to do on
PostgreSQL."""

from django.db import migrations


def forwards(apps, schema_editor):
    from chrysalis.search import fts

    if schema_editor.connection.vendor == "sqlite":
        fts.recreate(schema_editor.connection)


def backwards(apps, schema_editor):
    pass  # the index with prefixes serves the earlier schema as well


class Migration(migrations.Migration):
    dependencies = [("search", "0002_fulltext")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
