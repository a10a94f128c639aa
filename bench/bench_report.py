"""The monthly data report of the district at district scale (issue 5: under 30 s).

300,000 enterprises × 12 quarters (BENCH_REPORT_ENTERPRISES), written with COPY by
_insights_data.fill and summarized (apps.insights.summary.rebuild, timed apart: the
summary is kept up to date by the module, not by the report). Then, for the latest
quarter:

- the report, end to end: `report_generate` (figures through the selectors, Word document
  with four matplotlib charts, xlsx appendix, files saved, audit event) — records grade,
  and the aggregates-only version (small-cell suppression);
- baseline 1: the same figures read through the selectors alone (`figures.collect`);
- baseline 2: the same .docx and .xlsx built from figures already in memory.

Prints each time, the ratios to both baselines and whether the 30 s target is met.

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
      DJANGO_SETTINGS_MODULE=config.settings.dev .venv/bin/python bench/bench_report.py
"""

import os
import time

from _common import fmt_seconds, setup, timeit

TARGET_SECONDS = 30.0


def main() -> None:
    setup()
    count = int(os.environ.get("BENCH_REPORT_ENTERPRISES", "300000"))

    from _insights_data import fill
    from django.utils import timezone, translation

    from apps.core.scoping import Grade
    from apps.insights import selectors, summary
    from apps.insights.report import appendix, document
    from apps.insights.report.figures import collect
    from apps.insights.report.services import report_generate

    start = time.perf_counter()
    made = fill(count)
    print(f"data: {made['enterprises']:,} enterprises, {made['ledger']:,} ledger rows "
          f"in {fmt_seconds(time.perf_counter() - start)}")  # fmt: skip
    start = time.perf_counter()
    counts = summary.rebuild()
    print(f"summary rebuilt in {fmt_seconds(time.perf_counter() - start)}: {counts}")
    year, quarter = selectors.latest_period()
    print(f"report of {year}Q{quarter}, district\n")

    # Warm-up: imports, matplotlib's font registration and the first chart.
    report_generate(year=year, quarter=quarter, detail=Grade.RECORDS)

    runs = int(os.environ.get("BENCH_REPORT_RUNS", "3"))
    timings = {}
    for label, detail in (("records", Grade.RECORDS), ("aggregates", Grade.AGGREGATE)):

        def generate(detail=detail):
            report = report_generate(year=year, quarter=quarter, detail=detail)
            assert report.status == "done", report.error

        timings[label] = timeit(generate, n=runs, warmup=0)
        print(f"report_generate ({label}), median of {runs}: {fmt_seconds(timings[label])}")

    figures = collect(year=year, quarter=quarter, street_id=None, detail=Grade.RECORDS)
    reads = timeit(
        lambda: collect(year=year, quarter=quarter, street_id=None, detail=Grade.RECORDS),
        n=runs,
        warmup=0,
    )
    print(f"baseline 1, the selectors' reads alone (figures.collect): {fmt_seconds(reads)}")

    info = document.ReportInfo(
        scope="district", month=timezone.localdate().replace(day=1),
        generated_at=timezone.now(), detail=Grade.RECORDS,
    )  # fmt: skip
    files = {}

    def build():
        with translation.override("zh-hans"):
            files["docx"] = document.build(figures, info)
            files["xlsx"] = appendix.build(figures, info)

    render = timeit(build, n=runs, warmup=0)
    print(
        f"baseline 2, .docx ({len(files['docx']) // 1024} KB) and .xlsx "
        f"({len(files['xlsx']) // 1024} KB) from figures in memory: {fmt_seconds(render)}"
    )

    total = timings["records"]
    print(f"\nratio report / selectors' reads: {total / reads:.2f}x")
    print(f"ratio report / building the files from memory: {total / render:.2f}x")
    worst = max(timings.values())
    met = "met" if worst < TARGET_SECONDS else "NOT met"
    print(f"target: district report in under {TARGET_SECONDS:.0f} s — {met} ({worst:.2f} s)")


if __name__ == "__main__":
    main()
