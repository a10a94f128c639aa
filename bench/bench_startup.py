"""Start-up: `manage.py bootstrap` on a fresh SQLite file, then again, against `manage.py check`.

`make run` runs `manage.py bootstrap` (migrations, reference data, built-in roles, demo
accounts and data) and then serves. This measures, each in a fresh process as make does:
- `manage.py check` (baseline: the cost of starting Django at all), median of 3;
- `bootstrap --no-demo` on a fresh temporary SQLite file (first run), once;
- `bootstrap --no-demo` again on the same file (later runs), median of 3;
- `runserver --noreload` until GET /healthz answers 200 (time to serving), median of 3;
- `bootstrap` with demo data on another fresh file (what the first `make run` does), once.
The issue's targets: the first `make run` serves within 5 minutes, later ones within 30
seconds. Not included: creating the virtualenv and pip install (first `make run` only;
depends on the network or a local package mirror).
Always embedded SQLite (the `make run` deployment); var/ is never touched.
"""

import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
import urllib.request

from _common import ROOT, temp_dir

FIRST_TARGET = 5 * 60
LATER_TARGET = 30


def env_for(db_file) -> dict:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DATABASE_URL=f"sqlite:///{db_file}",
        VAR_DIR=str(db_file.parent),
        LOG_LEVEL="WARNING",
    )
    env.pop("BENCH_DATABASE_URL", None)
    return env


def manage(env, *args) -> float:
    start = time.perf_counter()
    subprocess.run(  # noqa: S603 (our own manage.py, fixed arguments)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def time_to_serving(env, timeout: float = 120) -> float:
    """Seconds from starting runserver until /healthz answers 200."""
    port = free_port()
    start = time.perf_counter()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while time.perf_counter() - start < timeout:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    if r.status == 200:
                        return time.perf_counter() - start
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"runserver did not answer within {timeout} s")
    finally:
        server.terminate()
        server.wait(timeout=10)


def verdict(seconds: float, target: float) -> str:
    return f"{'MET' if seconds <= target else 'NOT MET'} ({seconds:.1f} s vs {target:.0f} s)"


def main() -> None:
    tmp = temp_dir()
    (tmp / "a").mkdir()
    (tmp / "b").mkdir()
    env = env_for(tmp / "a" / "db.sqlite3")
    demo_env = env_for(tmp / "b" / "db.sqlite3")
    print(f"database: SQLite ({tmp / 'a' / 'db.sqlite3'})")

    check = statistics.median(manage(env, "check") for _ in range(3))
    first = manage(env, "bootstrap", "--no-demo")
    with sqlite3.connect(tmp / "a" / "db.sqlite3") as db:
        streets, industries = (
            db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: S608
            for t in ("registry_street", "registry_industry")
        )
    print(f"after the first bootstrap: {streets} streets, {industries} industries")
    assert streets and industries, "bootstrap loaded no reference data"
    again = statistics.median(manage(env, "bootstrap", "--no-demo") for _ in range(3))
    serving = statistics.median(time_to_serving(env) for _ in range(3))
    first_demo = manage(demo_env, "bootstrap")

    print(f"manage.py check (baseline): {check:.2f} s")
    print(f"bootstrap --no-demo, first run (fresh file): {first:.2f} s  ratio {first / check:.1f}x")
    print(f"bootstrap --no-demo, later run (same file): {again:.2f} s  ratio {again / check:.1f}x")
    print(f"runserver until /healthz answers: {serving:.2f} s  ratio {serving / check:.1f}x")
    print(
        f"bootstrap with demo data, first run (fresh file): {first_demo:.2f} s  "
        f"ratio {first_demo / check:.1f}x"
    )
    print(
        f"target, first `make run` serving within 5 min (bootstrap with demo + serve): "
        f"{verdict(first_demo + serving, FIRST_TARGET)}"
    )
    print(
        f"target, later `make run` serving within 30 s (bootstrap again + serve): "
        f"{verdict(again + serving, LATER_TARGET)}"
    )
    print("not included: virtualenv + pip install on the very first `make run`")


if __name__ == "__main__":
    main()
