"""Shared by the import benchmarks: reference data and enterprises created with COPY (or
bulk inserts on SQLite), and a ledger file of the same rows."""

import random
import time

ENTERPRISE_COLUMNS = (
    "uscc, name, former_names, street_id, industry_id, section, division, registration_type,"
    " legal_representative, address, contact_phone, member_status, status, size_class,"
    " search_grams, name_initials, version, created_at, updated_at"
)


def make_enterprises(count: int) -> list[str]:
    """Create `count` enterprises quickly; return their credit codes."""
    from django.db import connection
    from django.utils import timezone

    from apps.core.demo import make_uscc
    from apps.enterprises.search import initials, search_grams
    from apps.registry.loaders import load_all
    from apps.registry.models import Industry, Street

    load_all()
    streets = list(Street.objects.values_list("id", flat=True))
    industry = Industry.objects.get(code="6513")
    rng = random.Random(2017)
    codes, seen = [], set()
    while len(codes) < count:
        code = make_uscc(rng)
        if code not in seen:
            seen.add(code)
            codes.append(code)
    now = timezone.now().isoformat()
    # Real search keys, as services.derived_fields writes them: every rewrite of an
    # enterprise row (the size-class refresh) also rewrites its GIN index entries, and
    # empty keys would make that look cheaper than it is. The names differ only in the
    # number, so the pinyin initials are built from one template.
    head, tail = initials("北京基准"), initials("科技有限公司")
    start = time.perf_counter()
    rows = (
        (
            code,
            f"北京基准{i}科技有限公司",
            "[]",
            streets[i % len(streets)],
            industry.pk,
            industry.section,
            "65",
            "private",
            "",
            "",
            "",
            "none",
            "active",
            "unknown",
            search_grams(f"北京基准{i}科技有限公司"),
            f"{head}{i}{tail}",
            1,
            now,
            now,
        )
        for i, code in enumerate(codes)
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(
                f"COPY enterprises_enterprise ({ENTERPRISE_COLUMNS}) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * 19)
            cursor.executemany(
                f"INSERT INTO enterprises_enterprise ({ENTERPRISE_COLUMNS}) VALUES ({marks})",  # noqa: S608
                list(rows),
            )
    print(f"enterprises created: {count:,} in {time.perf_counter() - start:.1f} s")
    return codes


def ledger_rows(codes: list[str], rows: int):
    """(uscc, year, quarter, figures...) rows: each enterprise's quarters of 2023-2025."""
    rng = random.Random(4754)
    emitted = 0
    for year in (2025, 2024, 2023):
        for quarter in (1, 2, 3, 4):
            for code in codes:
                if emitted >= rows:
                    return
                revenue = rng.randint(10, 900000) / 100
                yield (
                    code,
                    year,
                    quarter,
                    "单季",
                    f"{revenue:.2f}",
                    f"{revenue / 10:.2f}",
                    f"{revenue / 20:.2f}",
                    f"{revenue / 50:.2f}",
                    rng.randint(1, 900),
                    f"{revenue * 3:.2f}",
                )
                emitted += 1
