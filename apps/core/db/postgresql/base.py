"""PostgreSQL backend that creates (test) databases with a UTF-8 character type.

pg_trgm extracts no trigrams from Chinese text when LC_CTYPE is "C", so every
database we create asks for C.UTF-8 explicitly instead of trusting the cluster.
"""

from django.db.backends.postgresql import base, creation


class DatabaseCreation(creation.DatabaseCreation):
    def sql_table_creation_suffix(self) -> str:
        suffix = super().sql_table_creation_suffix() or "WITH"
        return f"{suffix} LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation
