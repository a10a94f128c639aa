"""Shared by the benchmarks: a throwaway database and a timer.

Every benchmark runs against its own database, never var/db.sqlite3:
- by default a temporary SQLite file (with the dev settings' WAL pragmas);
- with BENCH_DATABASE_URL=postgres://..., a throwaway database `bench_<pid>` created on
  that server (like the test runner does) and dropped at exit.

Usage, before importing any model:

    from _common import setup, timeit, report
    db = setup()          # django.setup() + migrate into the throwaway database
"""

import atexit
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def temp_dir() -> Path:
    path = Path(tempfile.mkdtemp(prefix="fic-bench-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def setup() -> str:
    """Point Django at a throwaway database, django.setup() and migrate. Returns a label."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    # Production-like: DEBUG on would record every query in connection.queries.
    os.environ["DEBUG"] = "0"
    bench_url = os.environ.get("BENCH_DATABASE_URL", "")
    tmp = temp_dir()
    # Keep var/ untouched: the secret key, logs and media of this run live in the temp dir.
    os.environ["VAR_DIR"] = str(tmp)
    if bench_url:
        os.environ["DATABASE_URL"] = bench_url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"

    import django

    django.setup()

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    assert "var/db.sqlite3" not in str(settings.DATABASES["default"]["NAME"])
    if connection.vendor == "postgresql":
        # Create (and later drop) a database of our own on the given server.
        connection.settings_dict.setdefault("TEST", {})["NAME"] = f"bench_{os.getpid()}"
        old_name = connection.settings_dict["NAME"]
        connection.creation.create_test_db(
            verbosity=0, autoclobber=True, keepdb=False, serialize=False
        )
        atexit.register(_drop_pg, old_name)
        label = f"PostgreSQL ({connection.settings_dict['NAME']})"
    else:
        call_command("migrate", interactive=False, verbosity=0)
        label = f"SQLite ({settings.DATABASES['default']['NAME']})"
    print(f"database: {label}")
    return label


def _drop_pg(old_name: str) -> None:
    from django.db import connection

    connection.creation.destroy_test_db(old_name, verbosity=0)


def timeit(fn: Callable[[], object], n: int = 20, warmup: int = 2) -> float:
    """Median wall-clock seconds of `fn()` over n runs, after `warmup` untimed runs."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def fmt_seconds(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def report(name: str, seconds: float, baseline_name: str, baseline_seconds: float) -> float:
    """Print a figure and its ratio to the baseline measured in the same run."""
    ratio = seconds / baseline_seconds if baseline_seconds else float("inf")
    print(f"{name}: {fmt_seconds(seconds)}")
    print(f"{baseline_name} (baseline): {fmt_seconds(baseline_seconds)}")
    print(f"ratio: {ratio:.2f}x")
    return ratio
