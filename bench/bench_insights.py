# ruff: noqa: S608 (the SQL baselines are constants of this script)
"""The economic overview at district scale: every dashboard JSON endpoint against the SQL
query on the summary table that gives the same figures, and against the same figures
computed from the ledger; then the summary refresh after a 1,000-row ledger import.

300,000 enterprises × 12 quarters (BENCH_ENTERPRISES to change) are written with COPY
(_insights_data.py) and the summary is rebuilt (timed). Each endpoint is requested through
Django's test client with the whole middleware stack, signed in as FIC staff (records
grade) and as a leader (aggregates only: suppressed cells), BENCH_REPEAT times (default 40)
after two warm-up requests; the baselines run on the same connection in the same run:

  summary  the single SQL statement on insights_summary (the table keyed by quarter, 街乡,
           industry, size, non-public and member status) that computes the endpoint's
           figures — what the issue's "query on the summary table" means;
  ledger   the same figures from enterprises_ledgerentry (joined to the enterprises);
  lookup   (for information) the statement on insights_rollup the endpoint itself runs.

Prints p50/p95 of each, the ratios endpoint / summary (target ≤ 1.5) and ledger / endpoint
(target ≥ 20), endpoint p95 (target < 50 ms), then the refresh: a 1,000-row ledger csv
applied through the import pipeline, the hook's summary refresh (target < 2 s), the
suppression pattern of the quarter whose counts changed, and the size-class refresh that
follows an import with the summary refresh it triggers.

PostgreSQL by default (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres);
with BENCH_DATABASE_URL= (empty) it runs on SQLite with 20,000 enterprises and no targets.
"""

import csv
import itertools
import os
import random
import statistics
import sys
import time

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")

from _common import fmt_seconds, setup, temp_dir

REPEAT = int(os.environ.get("BENCH_REPEAT", "40"))
TARGET_SUMMARY_RATIO, TARGET_LEDGER_RATIO, TARGET_P95_MS, TARGET_REFRESH_S = 1.5, 20.0, 50.0, 2.0


def main() -> int:
    label = setup()
    postgres = "PostgreSQL" in label
    count = int(os.environ.get("BENCH_ENTERPRISES", "300000" if postgres else "20000"))
    from _insights_data import fill

    started = time.perf_counter()
    filled = fill(count)
    print(f"data: {filled['enterprises']:,} enterprises, {filled['ledger']:,} ledger rows "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    from apps.insights import summary

    started = time.perf_counter()
    counts = summary.rebuild()
    print(f"full rebuild: {time.perf_counter() - started:.1f} s ({counts})")

    staff, leader = people()
    met = endpoints(staff, leader, postgres)
    met = refresh_after_import(postgres) and met
    if postgres:
        print("targets met" if met else "TARGETS NOT MET")
    else:
        print("SQLite: figures for information; the targets are set on PostgreSQL")
    return 0


# --- people ----------------------------------------------------------------------------


def people():
    """Test clients signed in as FIC staff (past the second factor) and as a leader."""
    from django.conf import settings
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from apps.accounts import roles
    from apps.accounts.models import UserKind
    from apps.accounts.tests.factories import UserFactory

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    built = roles.ensure_builtin_roles()
    staff = UserFactory(username="bench_staff", roles=[built[roles.FIC_STAFF]])
    leader = UserFactory(username="bench_leader", kind=UserKind.LEADER, roles=[built[roles.LEADER]])
    clients = []
    for user in (staff, leader):
        client = Client()
        client.force_login(user)
        if user.requires_mfa:
            device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
        clients.append(client)
    return clients


# --- endpoints -------------------------------------------------------------------------


def samples(fn, n: int, warmup: int = 2) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return sorted(out)


def p50(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    return values[min(len(values) - 1, round(0.95 * len(values)) - 1)]


def sql(statement: str, params: list):
    from django.db import connection

    def run():
        with connection.cursor() as cursor:
            cursor.execute(statement, params)
            cursor.fetchall()

    return run


def cases(postgres: bool) -> list[dict]:
    """Each endpoint with its query string and its two baselines."""
    from apps.insights.selectors import latest_period

    y, q = latest_period()
    first = (y - 3, 4) if q == 4 else (y - 3, q + 1)
    sums = "SUM(enterprises), SUM(revenue), SUM(tax), SUM(employees), SUM(profit), SUM(rd_expense)"
    lsum = (
        "COUNT(*), SUM(l.revenue), SUM(l.tax), SUM(l.employees), SUM(l.profit), SUM(l.rd_expense)"
    )
    join = "enterprises_ledgerentry l JOIN enterprises_enterprise e ON e.id = l.enterprise_id"
    period = [y, q]
    rollup = (
        "SELECT street_id, industry, size_class, member, year, quarter, enterprises, revenue,"
        " tax, employees, profit, rd_expense, hidden FROM insights_rollup WHERE grain = %s"
    )
    out = [
        {
            "chart": "headline",
            "params": {},
            "summary": (
                f"SELECT year, {sums} FROM insights_summary WHERE year IN (%s, %s)"
                " AND quarter = %s GROUP BY year",
                [y, y - 1, q],
            ),
            "ledger": (
                f"SELECT l.year, {lsum} FROM enterprises_ledgerentry l"
                " WHERE l.year IN (%s, %s) AND l.quarter = %s GROUP BY l.year",
                [y, y - 1, q],
            ),
            "lookup": (rollup + " AND year IN (%s, %s) AND quarter = %s", [0, y, y - 1, q]),
        },
        {
            "chart": "headline",
            "label": "headline, year to date",
            "params": {"cumulative": "1"},
            "summary": (
                f"SELECT year, quarter, {sums} FROM insights_summary WHERE year IN (%s, %s)"
                " AND quarter <= %s GROUP BY year, quarter",
                [y, y - 1, q],
            ),
            "ledger": (
                f"SELECT l.year, l.quarter, {lsum} FROM enterprises_ledgerentry l"
                " WHERE l.year IN (%s, %s) AND l.quarter <= %s GROUP BY l.year, l.quarter",
                [y, y - 1, q],
            ),
            "lookup": (rollup + " AND year IN (%s, %s) AND quarter <= %s", [0, y, y - 1, q]),
        },
    ]
    for by, column, grain in (("street", "street_id", 1), ("section", "section", 2)):
        out.append(
            {
                "chart": f"by-{by}",
                "params": {},
                "summary": (
                    f"SELECT {column}, {sums} FROM insights_summary WHERE year = %s"
                    f" AND quarter = %s GROUP BY {column}",
                    period,
                ),
                "ledger": (
                    f"SELECT e.{column}, {lsum} FROM {join} WHERE l.year = %s AND l.quarter = %s"
                    f" GROUP BY e.{column}",
                    period,
                ),
                "lookup": (rollup + " AND year = %s AND quarter = %s", [grain, y, q]),
            }
        )
    out.append(
        {
            "chart": "by-size",
            "params": {},
            "summary": (
                f"SELECT size_class, {sums} FROM insights_summary WHERE year = %s"
                " AND quarter = %s GROUP BY size_class",
                period,
            ),
            "ledger": (
                f"SELECT e.size_class, {lsum} FROM {join} WHERE l.year = %s AND l.quarter = %s"
                " GROUP BY e.size_class",
                period,
            ),
            "lookup": (rollup + " AND year = %s AND quarter = %s", [8, y, q]),
        }
    )
    out.append(
        {
            "chart": "by-division",
            "label": "by-division, section F",
            "params": {"section": "F"},
            "summary": (
                f"SELECT division, {sums} FROM insights_summary WHERE year = %s"
                " AND quarter = %s AND section = 'F' GROUP BY division",
                period,
            ),
            "ledger": (
                f"SELECT e.division, {lsum} FROM {join} WHERE l.year = %s AND l.quarter = %s"
                " AND e.section = 'F' GROUP BY e.division",
                period,
            ),
            "lookup": (rollup + " AND year = %s AND quarter = %s", [4, y, q]),
        }
    )
    out.append(
        {
            "chart": "trend",
            "params": {},
            "summary": (
                f"SELECT year, quarter, {sums} FROM insights_summary"
                " WHERE year * 4 + quarter BETWEEN %s AND %s GROUP BY year, quarter",
                [first[0] * 4 + first[1], y * 4 + q],
            ),
            "ledger": (
                f"SELECT l.year, l.quarter, {lsum} FROM enterprises_ledgerentry l"
                " WHERE l.year * 4 + l.quarter BETWEEN %s AND %s GROUP BY l.year, l.quarter",
                [first[0] * 4 + first[1], y * 4 + q],
            ),
            "lookup": (rollup + " AND street_id = 0 AND year BETWEEN %s AND %s", [0, y - 3, y]),
        }
    )
    nulls = " NULLS LAST" if postgres else ""
    for metric in ("revenue", "tax"):
        out.append(
            {
                "chart": f"top-{metric}",
                "params": {},
                "records_only": True,
                # The top lists need enterprises, not totals: their table is the facts'.
                "summary": (
                    f"SELECT f.enterprise_id, e.name, f.{metric} FROM insights_fact f"
                    " JOIN enterprises_enterprise e ON e.id = f.enterprise_id"
                    f" WHERE f.year = %s AND f.quarter = %s AND f.{metric} IS NOT NULL"
                    f" ORDER BY f.{metric} DESC LIMIT 20",
                    period,
                ),
                "ledger": (
                    f"SELECT l.enterprise_id, e.name, l.{metric} FROM {join}"
                    f" WHERE l.year = %s AND l.quarter = %s ORDER BY l.{metric} DESC{nulls}"
                    " LIMIT 20",
                    period,
                ),
            }
        )
    return out


def endpoints(staff, leader, postgres: bool) -> bool:
    from django.urls import reverse

    met = True
    print()
    # The floor: a minimal JSON view through the same client and middleware.
    floor = samples(lambda: staff.get("/healthz"), REPEAT)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"machine load average: {load}")
    print(
        f"request floor, GET /healthz (same client and middleware): "
        f"{p50(floor) * 1000:.1f}/{p95(floor) * 1000:.1f} ms"
    )
    print(f"endpoints ({REPEAT} requests each; ms): p50 / p95")
    header = (
        f"{'endpoint':<26} {'staff':>13} {'leader':>13} {'staff, miss':>13} "
        f"{'summary SQL':>13} {'ledger SQL':>15} {'lookup':>7} {'/summary':>9} "
        f"{'miss/':>7} {'ledger/':>8}"
    )
    print(header)
    from apps.insights.selectors import latest_period

    year, quarter = latest_period()
    for case in cases(postgres):
        url = reverse("insights:data_json", args=[case["chart"]])
        # As the dashboard asks: its chart URLs carry the period.
        case["params"] = {"year": year, "quarter": quarter, **case["params"]}

        def get(client, url=url, params=case["params"]):
            response = client.get(url, params)
            assert response.status_code == 200, (url, response.status_code)

        staff_t = samples(lambda: get(staff), REPEAT)
        leader_t = [] if case.get("records_only") else samples(lambda: get(leader), REPEAT)
        # Every request a cache miss: a parameter of its own (ignored by the view, part of
        # the cache key), as after each change of the ledger or the summary.
        misses = itertools.count()

        def miss(params=case["params"], misses=misses):
            get(staff, params={**params, "_b": next(misses)})

        cold_t = samples(miss, REPEAT)
        summary_t = samples(sql(*case["summary"]), REPEAT)
        ledger_t = samples(sql(*case["ledger"]), 3 if postgres else 2, warmup=1)
        lookup_t = samples(sql(*case["lookup"]), REPEAT) if "lookup" in case else []
        worst = max(p50(staff_t), p50(leader_t) if leader_t else 0)
        ratio = worst / p50(summary_t)
        cold_ratio = p50(cold_t) / p50(summary_t)
        faster = p50(ledger_t) / worst
        tail = max(p95(staff_t), p95(leader_t) if leader_t else 0) * 1000
        ok = ratio <= TARGET_SUMMARY_RATIO and faster >= TARGET_LEDGER_RATIO
        ok = ok and tail < TARGET_P95_MS
        met = met and ok

        def ms(values):
            if not values:
                return "—"
            return f"{p50(values) * 1000:.1f}/{p95(values) * 1000:.1f}"

        print(
            f"{case.get('label', case['chart']):<26} {ms(staff_t):>13} {ms(leader_t):>13}"
            f" {ms(cold_t):>13} {ms(summary_t):>13} {ms(ledger_t):>15}"
            f" {(f'{p50(lookup_t) * 1000:.2f}' if lookup_t else '—'):>7}"
            f" {ratio:>8.2f}x {cold_ratio:>6.2f}x {faster:>7.0f}x {'' if ok else ' NOT MET'}"
        )
    print(
        f"targets: endpoint ≤ {TARGET_SUMMARY_RATIO}x its summary query, ≥ "
        f"{TARGET_LEDGER_RATIO:.0f}x faster than the ledger, p95 < {TARGET_P95_MS:.0f} ms"
        " (the slower of staff and leader counts)"
    )
    print(
        "staff, miss: every request misses the answer cache (PostgreSQL caches each answer"
        " until the ledger or the summary changes); miss/ is its ratio to the summary query,"
        " for information"
    )
    return met


# --- refresh after an import -------------------------------------------------------------


def refresh_after_import(postgres: bool) -> bool:
    """A 1,000-row ledger csv: 500 changed rows of the latest quarter and 500 new ones
    (enterprises that had no row for it), applied by the import pipeline; then what the
    hooks run after the commit."""
    from django.db import connection

    from apps.enterprises.imports import pipeline, sizes
    from apps.enterprises.imports.report import ErrorSink
    from apps.enterprises.models import Enterprise
    from apps.insights import summary
    from apps.insights.models import RefreshState
    from apps.insights.selectors import latest_period

    y, q = latest_period()
    rng = random.Random(1000)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.uscc, e.id FROM enterprises_enterprise e JOIN enterprises_ledgerentry l"
            " ON l.enterprise_id = e.id AND l.year = %s AND l.quarter = %s ORDER BY e.id"
            " LIMIT 20000",
            [y, q],
        )
        having = rng.sample(cursor.fetchall(), 500)
        cursor.execute(
            "SELECT e.uscc, e.id FROM enterprises_enterprise e WHERE NOT EXISTS (SELECT 1"
            " FROM enterprises_ledgerentry l WHERE l.enterprise_id = e.id AND l.year = %s"
            " AND l.quarter = %s) ORDER BY e.id LIMIT 500",
            [y, q],
        )
        missing = cursor.fetchall()
    path = temp_dir() / "ledger-1000.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["统一社会信用代码", "年度", "季度", "口径", "营业收入(万元)", "利润总额(万元)",
             "纳税总额(万元)", "研发费用(万元)", "从业人员(人)", "资产总额(万元)"]
        )  # fmt: skip
        for uscc, _pk in having + missing:
            revenue = rng.uniform(10, 5000)
            writer.writerow(
                [uscc, y, q, "单季", f"{revenue:.2f}", f"{revenue * 0.1:.2f}",
                 f"{revenue * 0.04:.2f}", "1.00", rng.randint(1, 300), f"{revenue * 3:.2f}"]
            )  # fmt: skip
    from apps.accounts.models import User

    user = User.objects.get(username="bench_staff")
    started = time.perf_counter()
    outcome = pipeline.run(kind="ledger", path=path, user=user, sink=ErrorSink(), apply=True)
    imported = time.perf_counter() - started
    assert outcome.applied, outcome.first_errors
    touched = [pk for _uscc, pk in having + missing]
    print()
    print(f"import of 1,000 ledger rows (500 changed, 500 new in {y}Q{q}): {imported:.2f} s")
    started = time.perf_counter()
    summary.refresh(touched, patterns=False)
    refreshed = time.perf_counter() - started
    stale = RefreshState.objects.get(pk=1).stale_patterns
    started = time.perf_counter()
    summary.patterns_refresh()
    patterns = time.perf_counter() - started
    print(f"summary refresh of the 1,000 enterprises: {fmt_seconds(refreshed)} "
          f"(target < {TARGET_REFRESH_S:.0f} s)")  # fmt: skip
    both = fmt_seconds(refreshed + patterns)
    print(f"suppression pattern of the quarter(s) whose counts changed {stale}: "
          f"{fmt_seconds(patterns)}; refresh + pattern {both}")  # fmt: skip
    before = dict(Enterprise.objects.filter(pk__in=touched).values_list("pk", "size_class"))
    started = time.perf_counter()
    sizes.refresh(touched)
    classified = time.perf_counter() - started
    after = dict(Enterprise.objects.filter(pk__in=touched).values_list("pk", "size_class"))
    moved = [pk for pk in touched if before[pk] != after[pk]]
    started = time.perf_counter()
    summary.refresh(moved, patterns=False)
    moved_refresh = time.perf_counter() - started
    stale = RefreshState.objects.get(pk=1).stale_patterns
    started = time.perf_counter()
    summary.patterns_refresh()
    moved_patterns = time.perf_counter() - started
    print(
        f"then the size-class refresh ({fmt_seconds(classified)}) moved {len(moved)} enterprises"
        f" to another size class: summary refresh {fmt_seconds(moved_refresh)}, patterns of"
        f" {len(stale)} quarters {fmt_seconds(moved_patterns)}"
    )
    ok = refreshed < TARGET_REFRESH_S
    print(f"refresh target {'met' if ok else 'NOT MET'}")
    return ok


if __name__ == "__main__":
    sys.exit(main())
