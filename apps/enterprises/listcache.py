"""Rendered parts of the enterprise list, cached until a table they show changes.

The list is the busiest page of the module; rendering 50 rows and a dozen filter selects
costs ten times the rest of the request. On PostgreSQL every transaction that writes a
table the list shows leaves a change mark (models.ChangeMark, triggers in migration 0005),
and the sum of the marks' weights is the data version read at the start of each request:
a committed change gives the next request a new key, so nobody is served rows older than
what the database held when their request began. On SQLite (the embedded demo) there are
no marks and nothing is cached.
"""

import hashlib
import json
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection, transaction

from apps.core.templatetags import app_nav

CACHE_SECONDS = 600
# Compaction folds the marks into one row once there are this many.
COMPACT_AFTER = 200


def data_version(also: str = "") -> str | None:
    """The database, table and summed weight of the marks; None where nothing is cached.
    `also`: a scalar subquery whose value joins the version, read in the same statement
    (the economic overview adds its summary's state)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        # The table's oid and the database name tell apart a database created anew
        # (whose marks start again from zero) while the cache outlived the old one.
        extra = f", ({also})" if also else ""  # a constant of the calling module
        sql = "SELECT coalesce(sum(weight), 0), 'enterprises_changemark'::regclass::oid, "
        sql += f"current_database(){extra} FROM enterprises_changemark"
        cursor.execute(sql)
        row = cursor.fetchone()
    return ":".join(str(value) for value in row)


def cached(
    version: str | None,
    parts: list,
    render: Callable[[], dict[str, str]],
    prefix: str = "enterprises:list-html",
    request=None,
) -> dict[str, str]:
    """render()'s result from the cache under the data version and `parts`, or render it.
    Other modules whose tables leave marks too (the economic overview's) pass their prefix.
    With the request of a whole page, the navigation bar comes in the same round trip."""
    if version is None:
        return render()
    raw = json.dumps([version, *parts], ensure_ascii=False, default=str)
    key = f"{prefix}:" + hashlib.sha256(raw.encode()).hexdigest()
    along = app_nav.ride_along(request) if request is not None else []
    if along:
        got = cache.get_many([key, *along])
        app_nav.keep(request, along, got)
        found = got.get(key)
    else:
        found = cache.get(key)
    if found is None:
        found = render()
        cache.set(key, found, CACHE_SECONDS)
    return found


def compact() -> int:
    """Fold the visible marks into one row of the same total weight; returns rows folded."""
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM enterprises_changemark")
        (count,) = cursor.fetchone()
        if count < COMPACT_AFTER:
            return 0
        # Marks of transactions still running are invisible here and stay; the sum of
        # what this statement deletes goes back as one row, so the version never moves.
        cursor.execute(
            "WITH gone AS (DELETE FROM enterprises_changemark RETURNING weight) "
            "INSERT INTO enterprises_changemark (txid, weight) "
            "SELECT txid_current(), sum(weight) FROM gone HAVING count(*) > 0"
        )
    return count
