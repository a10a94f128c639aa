"""Statement triggers that leave a change mark for every transaction writing a table the
enterprise list shows (PostgreSQL only; on SQLite the list is not cached)."""

from django.db import migrations

TABLES = [
    "enterprises_enterprise",
    "enterprises_enterprise_tags",
    "enterprises_ledgerentry",
    "registry_street",
    "registry_industry",
    "registry_dictionaryitem",
]

FUNCTION = """
CREATE OR REPLACE FUNCTION enterprises_change_mark() RETURNS trigger AS $$
BEGIN
    -- One row per transaction, its weight raised by each writing statement: no row is
    -- shared between writers, so concurrent transactions never wait on each other here,
    -- and a transaction sees its own writes move the version.
    INSERT INTO enterprises_changemark AS mark (txid, weight) VALUES (txid_current(), 1)
    ON CONFLICT (txid) DO UPDATE SET weight = mark.weight + 1;
    RETURN NULL;
END
$$ LANGUAGE plpgsql
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_change_mark AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION enterprises_change_mark()"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_change_mark ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS enterprises_change_mark()")


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0004_change_marks"),
        ("registry", "0001_initial"),
    ]
    operations = [migrations.RunPython(forwards, backwards)]
