"""District-scale data for the insights benchmarks: enterprises and their 12-quarter ledger
written with COPY (PostgreSQL) or executemany (SQLite), fast and deterministic.

Enterprises get the demo generator's distributions (section weights, registration types),
a random class within the section, a size class, member status (3 % members, 1 %
applicants) and a ledger row for each of the last 12 quarters (95 % of them present),
with figures drawn around the section's typical revenue.
"""

import math
import random

from django.db import connection


def fill(count: int, *, seed: int = 4754) -> dict[str, int]:
    from apps.core.demo import make_uscc
    from apps.enterprises.demo.generator import periods
    from apps.enterprises.demo.vocab import ECONOMICS, REGISTRATION_WEIGHTS, SECTION_WEIGHTS
    from apps.enterprises.models import Enterprise, LedgerEntry, SizeClass, Status
    from apps.registry.loaders import load_all
    from apps.registry.models import Industry, Street

    load_all()
    rng = random.Random(seed)
    streets = list(Street.objects.order_by("code").values_list("pk", flat=True))
    classes: dict[str, list[tuple[int, str]]] = {}
    for pk, code, section in Industry.objects.filter(level=Industry.Level.CLASS).values_list(
        "pk", "code", "section"
    ):
        if section in SECTION_WEIGHTS:
            classes.setdefault(section, []).append((pk, code))
    sections = sorted(classes)
    section_weights = [SECTION_WEIGHTS[s] for s in sections]
    types = [t for t, _w in REGISTRATION_WEIGHTS]
    type_weights = [w for _t, w in REGISTRATION_WEIGHTS]
    sizes = [SizeClass.MICRO] * 12 + [SizeClass.SMALL] * 5 + [SizeClass.MEDIUM] * 2
    sizes += [SizeClass.LARGE, SizeClass.UNKNOWN]
    quarters = periods()
    columns = [
        "uscc", "name", "former_names", "street_id", "industry_id", "section", "division",
        "registration_type", "legal_representative", "address", "contact_phone",
        "member_status", "status", "size_class", "search_grams", "name_initials", "version",
        "created_at", "updated_at",
    ]  # fmt: skip
    ent_rows = []
    codes: set[str] = set()
    for i in range(count):
        uscc = make_uscc(rng)
        while uscc in codes:
            uscc = make_uscc(rng)
        codes.add(uscc)
        section = rng.choices(sections, section_weights)[0]
        industry_id, code = rng.choice(classes[section])
        r = rng.random()
        member = "member" if r < 0.03 else "applicant" if r < 0.04 else "none"
        ent_rows.append(
            [
                uscc, f"基准企业{i}有限公司", "[]", rng.choice(streets), industry_id, section,
                code[:2], rng.choices(types, type_weights)[0], "", "", "", member,
                Status.ACTIVE, rng.choice(sizes), "", "", 1,
                "2025-01-01 00:00:00+08", "2025-01-01 00:00:00+08",
            ]
        )  # fmt: skip
    ent_table = Enterprise._meta.db_table
    _copy(ent_table, columns, ent_rows)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, section FROM {ent_table} ORDER BY id")  # noqa: S608
        ids = cursor.fetchall()
    ledger_columns = [
        "enterprise_id", "year", "quarter", "revenue", "profit", "tax", "rd_expense",
        "employees", "total_assets", "source", "updated_at",
    ]  # fmt: skip
    ledger_table = LedgerEntry._meta.db_table
    rows = 0

    def ledger():
        nonlocal rows
        for pk, section in ids:
            median, per_head, assets = ECONOMICS.get(section, (100, 30, 1.0))
            scale = median / 4 * math.exp(rng.gauss(0, 1.2))
            staff = max(1, int(scale * 4 / per_head))
            for year, quarter in quarters:
                if rng.random() < 0.05:
                    continue
                revenue = scale * rng.uniform(0.8, 1.2)
                rows += 1
                yield [
                    pk, year, quarter, f"{revenue:.2f}", f"{revenue * 0.08:.2f}",
                    f"{revenue * 0.05:.2f}", f"{revenue * 0.01:.2f}", staff,
                    f"{revenue * 4 * assets:.2f}", "import", "2025-01-01 00:00:00+08",
                ]  # fmt: skip

    _copy(ledger_table, ledger_columns, ledger())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {ent_table}")
            cursor.execute(f"ANALYZE {ledger_table}")
    return {"enterprises": len(ids), "ledger": rows}


def _copy(table: str, columns: list[str], rows) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = (
            f"INSERT INTO {table} ({', '.join(columns)})"  # noqa: S608
            f" VALUES ({', '.join(['%s'] * len(columns))})"
        )
        batch = []
        for row in rows:
            batch.append(row)
            if len(batch) == 5000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
