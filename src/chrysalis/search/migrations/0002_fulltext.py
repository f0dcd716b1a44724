"""The full-text index beside SearchDocument, per vendor (see chrysalis.search.fts):
SQLite FTS5 external-content table + sync triggers; PostgreSQL generated tsvector + GIN."""

from django.db import migrations


def forwards(apps, schema_editor):
    from chrysalis.search import fts

    fts.create(schema_editor.connection)


def backwards(apps, schema_editor):
    from chrysalis.search import fts

    fts.drop(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
