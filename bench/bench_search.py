"""Enterprise name search at district scale (issue 3: 2-character search, p95 < 20 ms on PG).

300,000 enterprises with realistic Chinese names (apps.core.demo.company_name) are
loaded by COPY (PostgreSQL) or executemany (SQLite), then ANALYZEd. 200 two-character
name searches, half common bigrams (drawn in proportion to how often they occur) and
half rare ones (the least frequent half of distinct bigrams), each through
apps.enterprises.selectors.enterprise_search returning the first 50 rows in the list's
order (name, id), as the enterprise list does. Also: the same for a street officer
(one 街乡), 3-4 character queries and pinyin initials.

Baselines in the same run: a primary-key lookup, and the same 2-character queries as a
plain name LIKE '%xx%' (what a database without the bigram index has to do).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/fic_search \
      DJANGO_SETTINGS_MODULE=config.settings.dev .venv/bin/python bench/bench_search.py
    BENCH_SEARCH_ROWS=50000 ...   # a smaller run
"""

import io
import os
import random
import statistics
import time
from collections import Counter

from _common import fmt_seconds, setup

ROWS = int(os.environ.get("BENCH_SEARCH_ROWS", "300000"))
QUERIES = 200
PAGE = 50
TARGET_P95 = 0.020


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def timed(fn, queries) -> list[float]:
    for q in queries[:5]:  # warm-up: plans, caches
        fn(q)
    samples = []
    for q in queries:
        start = time.perf_counter()
        fn(q)
        samples.append(time.perf_counter() - start)
    return samples


def line(label: str, samples: list[float]) -> tuple[float, float]:
    p50, p95 = statistics.median(samples), percentile(samples, 95)
    print(
        f"{label:<46} n={len(samples):<4} p50 {fmt_seconds(p50):>10}  p95 {fmt_seconds(p95):>10}"
        f"  max {fmt_seconds(max(samples)):>10}"
    )
    return p50, p95


def load(rng: random.Random) -> tuple[list[str], list[int]]:
    from django.db import connection
    from django.utils import timezone

    from apps.core.demo import company_name, make_uscc
    from apps.enterprises import search
    from apps.enterprises.tests.factories import industry
    from apps.registry.models import Street

    Street.objects.bulk_create(
        Street(
            code=f"110105{i:03d}000",
            short_name=f"街乡{i}",
            office_name=f"街乡{i}街道办事处",
            kind=Street.Kind.SUBDISTRICT,
        )
        for i in range(1, 44)
    )
    street_ids = list(Street.objects.order_by("code").values_list("pk", flat=True))
    leaf = industry()
    # Initials character by character: pypinyin on 300k whole names takes minutes.
    letter: dict[str, str] = {}
    now = timezone.now().isoformat()
    names, codes, rows = [], set(), []
    while len(rows) < ROWS:
        name, _industry = company_name(rng)
        code = make_uscc(rng)
        if code in codes:
            continue
        codes.add(code)
        clean = search.normalise(name)
        for char in clean:
            if char not in letter:
                letter[char] = search.initials(char)
        names.append(name)
        rows.append(
            (
                code,
                name,
                "[]",
                rng.choice(street_ids),
                leaf.pk,
                leaf.section,
                leaf.code[:2],
                "private",
                "",
                "",
                "",
                "none",
                "active",
                "unknown",
                search.search_grams(name),
                "".join(letter[c] for c in clean),
                1,
                now,
                now,
            )
        )
    columns = (
        "uscc, name, former_names, street_id, industry_id, section, division, "
        "registration_type, legal_representative, address, contact_phone, member_status, "
        "status, size_class, search_grams, name_initials, version, created_at, updated_at"
    )
    start = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            for row in rows:
                buffer.write("\t".join(str(v) for v in row) + "\n")
            buffer.seek(0)
            raw = cursor.cursor  # psycopg 3
            with raw.copy(f"COPY enterprises_enterprise ({columns}) FROM STDIN") as copy:
                while chunk := buffer.read(1 << 20):
                    copy.write(chunk)
            cursor.execute("ANALYZE enterprises_enterprise")
        else:
            marks = ", ".join(["%s"] * len(rows[0]))
            cursor.executemany(
                f"INSERT INTO enterprises_enterprise ({columns}) VALUES ({marks})",  # noqa: S608
                rows,
            )
            cursor.execute("ANALYZE")
    print(f"loaded {len(rows):,} enterprises in {time.perf_counter() - start:.1f} s (+ ANALYZE)")
    return names, street_ids


def pick_queries(rng: random.Random, names: list[str]) -> tuple[list[str], list[str]]:
    from apps.enterprises import search

    freq: Counter[str] = Counter()
    for name in names:
        freq.update(search.bigrams(name))
    common = [rng.choice(search.bigrams(rng.choice(names))) for _ in range(QUERIES // 2)]
    by_count = sorted(freq, key=lambda g: (freq[g], g))
    rare_pool = by_count[: max(1, len(by_count) // 2)]
    rare = rng.sample(rare_pool, min(QUERIES // 2, len(rare_pool)))
    print(
        f"bigrams: {len(freq):,} distinct; common queries match a median "
        f"{statistics.median(freq[g] for g in common):,.0f} names, rare ones "
        f"{statistics.median(freq[g] for g in rare):,.0f}"
    )
    return common, rare


def main() -> None:
    label = setup()
    from django.db import connection

    from apps.enterprises.models import Enterprise
    from apps.enterprises.selectors import enterprise_search

    rng = random.Random(20251)
    names, street_ids = load(rng)
    common, rare = pick_queries(rng, names)
    mixed = common + rare
    rng.shuffle(mixed)

    def first_page(q, base=None):
        queryset = Enterprise.objects.all() if base is None else base
        return list(enterprise_search(queryset, q)[:PAGE])

    one_street = street_ids[0]

    def street_page(q):
        return first_page(q, Enterprise.objects.filter(street_id__in=[one_street]))

    ids = list(Enterprise.objects.values_list("pk", flat=True)[:1000])

    def by_pk(_q):
        return Enterprise.objects.get(pk=rng.choice(ids))

    def like_scan(q):
        return list(Enterprise.objects.filter(name__contains=q)[:PAGE])

    longer = [n[2 : 2 + rng.choice([3, 4])] for n in rng.sample(names, 100)]
    initials = [
        Enterprise.objects.filter(name=n).values_list("name_initials", flat=True).first()[2:6]
        for n in rng.sample(names, 50)
    ]

    print(f"\n{label}; first {PAGE} rows ordered by name, id")
    _p50, p95 = line("2-char search, district (mixed)", timed(first_page, mixed))
    line("  common bigrams", timed(first_page, common))
    line("  rare bigrams", timed(first_page, rare))
    line("2-char search, one street (street officer)", timed(street_page, mixed))
    line("3-4 char search, district", timed(first_page, longer))
    line("pinyin initials (4 letters), district", timed(first_page, initials))
    pk50, _pk95 = line("baseline: primary-key lookup", timed(by_pk, mixed))
    _like50, like95 = line("baseline: name LIKE '%xx%' (no index)", timed(like_scan, mixed[:40]))
    print(f"\nratio p95 search / p50 primary-key lookup: {p95 / pk50:.1f}x")
    print(f"ratio p95 search / p95 name LIKE scan:      {p95 / like95:.2f}x")
    verdict = "met" if p95 < TARGET_P95 else "NOT met"
    print(
        f"target p95 < {fmt_seconds(TARGET_P95)} for 2-char search: {verdict} ({fmt_seconds(p95)})"
    )

    if connection.vendor == "postgresql":
        frequent = Counter(common).most_common(1)[0][0]
        for q in (frequent, rare[0]):
            print(f"\nEXPLAIN ANALYZE first page of {q!r}:")
            query = enterprise_search(Enterprise.objects.all(), q)[:PAGE]
            print(query.explain(analyze=True))


if __name__ == "__main__":
    main()
