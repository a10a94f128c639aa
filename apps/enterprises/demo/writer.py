"""Write generated enterprises in bulk: COPY on PostgreSQL, executemany on SQLite."""

import json

from django.db import connection
from django.utils import timezone

from apps.enterprises.models import Enterprise, EnterpriseNote, LedgerEntry

from .generator import DemoEnterprise

ENTERPRISE_COLUMNS = [
    "id", "uscc", "name", "former_names", "street_id", "industry_id", "section", "division",
    "registration_type", "established", "registered_capital", "legal_representative", "address",
    "contact_phone", "member_status", "status", "size_class", "search_grams", "name_initials",
    "version", "created_at", "updated_at",
]  # fmt: skip
LEDGER_COLUMNS = [
    "enterprise_id", "year", "quarter", "revenue", "profit", "tax", "rd_expense", "employees",
    "total_assets", "source", "updated_at",
]  # fmt: skip
NOTE_COLUMNS = ["enterprise_id", "date", "text", "created_at"]


class Writer:
    """Bulk rows straight into the tables: COPY on PostgreSQL, executemany on SQLite.

    Columns another change may add later get their model default, so the seeder keeps
    working when a field with a default is added.
    """

    def __init__(self):
        self.pg = connection.vendor == "postgresql"
        self.now = connection.ops.adapt_datetimefield_value(timezone.now())
        through = Enterprise.tags.through._meta
        self.tables = {
            "enterprise": self._table(Enterprise, ENTERPRISE_COLUMNS),
            "ledger": self._table(LedgerEntry, LEDGER_COLUMNS),
            "note": self._table(EnterpriseNote, NOTE_COLUMNS),
            "tag": (through.db_table, [f.column for f in through.concrete_fields[1:]], ()),
        }  # fmt: skip
        self.next_id = None
        self.last_ids: list[int] = []

    def _table(self, model, columns):
        """(table, columns, defaults): our columns, then any concrete field we do not fill
        with its model default."""
        skip = {"id", *columns, "updated_by_id", "author_id"}
        extra = []
        for f in model._meta.concrete_fields:
            if f.column not in skip:
                extra.append(f.get_db_prep_save(f.get_default(), connection))
                columns = [*columns, f.column]
        return model._meta.db_table, columns, tuple(extra)

    def _ids(self, n: int) -> list[int]:
        table = Enterprise._meta.db_table
        with connection.cursor() as cursor:
            if self.pg:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [table, n],
                )
                return [row[0] for row in cursor.fetchall()]
            if self.next_id is None:
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608
                self.next_id = cursor.fetchone()[0]
        first, self.next_id = self.next_id, self.next_id + n
        return list(range(first, first + n))

    def _put(self, kind: str, rows) -> int:
        table, columns, extra = self.tables[kind]
        qn = connection.ops.quote_name
        names = ", ".join(qn(c) for c in columns)
        count = 0
        if self.pg:
            with (
                connection.cursor() as cursor,
                cursor.copy(f"COPY {qn(table)} ({names}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row + extra if extra else row)
                    count += 1
            return count
        rows = [row + extra for row in rows] if extra else list(rows)
        marks = ", ".join("?" * len(columns))
        connection.ensure_connection()
        sql = f"INSERT INTO {qn(table)} ({names}) VALUES ({marks})"  # noqa: S608
        connection.connection.executemany(sql, rows)
        return len(rows)

    def write(self, batch: list[DemoEnterprise]) -> int:
        """Write a batch of enterprises with ledger, tags and notes; return ledger rows."""
        ids = self.last_ids = self._ids(len(batch))
        now = self.now
        self._put(
            "enterprise",
            (
                (
                    pk, e.uscc, e.name, json.dumps(e.former_names, ensure_ascii=False),
                    e.street_id, e.industry_id, e.industry_section, e.industry_code[:2],
                    str(e.registration_type), e.established.isoformat(), e.registered_capital,
                    e.legal_representative, e.address, e.contact_phone, str(e.member_status),
                    str(e.status), str(e.size_class), e.search_grams, e.name_initials, 1, now, now,
                )
                for pk, e in zip(ids, batch, strict=True)
            ),
        )  # fmt: skip
        written = self._put(
            "ledger",
            (
                (pk, y, q, rev, pro, tax, rd, emp, assets, str(src), now)
                for pk, e in zip(ids, batch, strict=True)
                for (y, q, rev, pro, tax, rd, emp, assets, src) in e.ledger
            ),
        )
        self._put("tag", ((pk, t) for pk, e in zip(ids, batch, strict=True) for t in e.tag_ids))
        self._put(
            "note",
            (
                (pk, day.isoformat(), text, now)
                for pk, e in zip(ids, batch, strict=True)
                for day, text in e.notes
            ),
        )
        return written
