"""Indexes for enterprise search on PostgreSQL (apps.enterprises.selectors.enterprise_search).

* ent_search_grams_gin: GIN over string_to_array(search_grams, ' '). Most Chinese name
  searches are two characters, which pg_trgm cannot serve; the bigram array answers
  "all of these bigrams" (@>) from the index. The query must use the very same
  expression (selectors._grams_array) or the planner will not match it.
* ent_initials_trgm: trigram GIN over name_initials for pinyin-initials searches
  ("bjsw" anywhere in the initials). pg_trgm is a trusted extension (PostgreSQL 13+):
  the database owner may create it; otherwise a superuser runs
  CREATE EXTENSION pg_trgm once.

Credit-code prefixes use ent_uscc_prefix_idx (varchar_pattern_ops) from 0001.
SQLite has no such indexes: search falls back to LIKE there, so this is a no-op.
Reversing drops the indexes but keeps the extension (other code may use it).
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS ent_search_grams_gin ON enterprises_enterprise "
    "USING gin (string_to_array(search_grams, ' '))",
    "CREATE INDEX IF NOT EXISTS ent_initials_trgm ON enterprises_enterprise "
    "USING gin (name_initials gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS ent_initials_trgm",
    "DROP INDEX IF EXISTS ent_search_grams_gin",
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
