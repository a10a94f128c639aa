"""Leave room in each page of the enterprise table so that updates of unindexed
columns (size class refreshes after imports) can be HOT updates on PostgreSQL."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE enterprises_enterprise SET (fillfactor = 90)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE enterprises_enterprise RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0002_search_indexes")]
    operations = [migrations.RunPython(forwards, backwards)]
