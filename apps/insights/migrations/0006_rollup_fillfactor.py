"""Room in each page of the summary and the rollup (PostgreSQL): a refresh adds to rows
in place, and with free space on the page those updates are HOT — no index entry is
written for a row whose indexed columns did not change."""

from django.db import migrations

TABLES = ["insights_summary", "insights_rollup"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = 70)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for table in TABLES:
            schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("insights", "0005_rollup")]
    operations = [migrations.RunPython(forwards, backwards)]
