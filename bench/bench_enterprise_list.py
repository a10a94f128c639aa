"""The enterprise list at district scale under load, against /healthz of the same app.

300,000 enterprises are written with COPY into a throwaway PostgreSQL database (or, with
BENCH_SEED_DEMO=1, `seed_demo --scale district` fills it, ledger and all). gunicorn serves
the real app with config.settings.prod and 2 sync workers; `wrk -c32 -d10s` loads
  - the 50-row list of a street officer, filtered by their 街乡 and an industry section,
  - GET /healthz (a minimal JSON view through the whole middleware stack), the baseline;
then the district list sorted by name at page 1 and at page 1,000 (a keyset cursor after
row 49,950), one connection at a time. Prints req/s, p99, the ratio to /healthz and the
page 1,000 / page 1 latency ratio, with the issue's targets.

PostgreSQL only: BENCH_DATABASE_URL, or postgres://postgres@127.0.0.1:5432/postgres.
Needs wrk (Debian: apt-get install wrk); without it a small Python load generator with
32 threads takes its place and says so (its figures are lower: the client shares the CPU).
"""

import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

os.environ.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
# The bench process and gunicorn must sign sessions with the same key.
SECRET = secrets.token_urlsafe(60)
os.environ["SECRET_KEY"] = SECRET

from _common import ROOT, setup  # noqa: E402

ENTERPRISES = int(os.environ.get("BENCH_ENTERPRISES", "300000"))
DURATION = os.environ.get("BENCH_DURATION", "10s")  # single runs (the page-depth check)
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "4"))
ROUND_DURATION = os.environ.get("BENCH_ROUND_DURATION", "4s")
CONNECTIONS = 32
TARGET_RATIO, TARGET_P99_MS, TARGET_DEPTH = 0.20, 200.0, 2.0
# A database of its own on the machine's Redis, emptied before the run.
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3")


def main() -> int:
    label = setup()
    if "PostgreSQL" not in label:
        print("skipped: this benchmark needs PostgreSQL (BENCH_DATABASE_URL)")
        return 0
    from django.db import connection

    fill()
    street, section, sessions = people()
    db_url = _database_url(connection.settings_dict["NAME"])
    server = Gunicorn(db_url)
    try:
        server.start()
        base = server.base
        officer, staff = sessions
        list_url = f"{base}/enterprises/?street={street.pk}&section={section}"
        check_page(list_url, officer, expect_rows=50)
        load = Load()
        print(
            f"load generator: {load.name}, {CONNECTIONS} connections, {ROUNDS} rounds of "
            f"{ROUND_DURATION} per URL, taken in turn so that other load on the machine "
            "falls on all of them alike"
        )
        # Warm-up, not counted: each worker compiles its templates and fills the caches
        # on its first requests, as a server does once after a deployment.
        for url, cookie in ((f"{base}/healthz", None), (list_url, officer)):
            load.run(url, cookie, "2s")
        rounds = {"health": [], "listing": [], "uncached": []}
        for number in range(1, ROUNDS + 1):
            rounds["health"].append(load.run(f"{base}/healthz", None, ROUND_DURATION))
            rounds["listing"].append(load.run(list_url, officer, ROUND_DURATION))
            rounds["uncached"].append(load.run(list_url, officer, ROUND_DURATION, vary=True))
            ratios = [rounds[k][-1]["rps"] / rounds["health"][-1]["rps"] for k in rounds]
            print(
                f"  round {number}: list/healthz {ratios[1]:.2f}, uncached/healthz {ratios[2]:.2f}"
                f"; p99 healthz {rounds['health'][-1]['p99_ms']:.0f} ms, list "
                f"{rounds['listing'][-1]['p99_ms']:.0f} ms"
            )
        health, listing, uncached = (combine(rounds[k]) for k in ("health", "listing", "uncached"))
        print_load("GET /healthz (baseline)", health)
        print_load(f"enterprise list, 街乡 {street.short_name} + section {section}", listing)
        print_load("the same list, every request missing the page cache", uncached)
        print(f"ratio uncached list / healthz req/s: {uncached['rps'] / health['rps']:.2f}")
        ratio = listing["rps"] / health["rps"]
        print(f"ratio list / healthz req/s: {ratio:.2f} (target ≥ {TARGET_RATIO:.2f})")
        print(f"list p99: {listing['p99_ms']:.1f} ms (target < {TARGET_P99_MS:.0f} ms)")

        first_url = f"{base}/enterprises/"
        deep_url = f"{base}/enterprises/?after={deep_cursor(49_950)}"
        check_page(first_url, staff, expect_rows=50)
        check_page(deep_url, staff, expect_rows=50)
        one = Load(connections=1)
        page1 = one.run(first_url, staff, duration="5s")
        page1000 = one.run(deep_url, staff, duration="5s")
        print_load("district list page 1 (1 connection)", page1)
        print_load("district list page 1,000 (1 connection)", page1000)
        depth = page1000["p50_ms"] / page1["p50_ms"]
        print(f"ratio page 1,000 / page 1 median latency: {depth:.2f} (target ≤ {TARGET_DEPTH})")
        met = ratio >= TARGET_RATIO and listing["p99_ms"] < TARGET_P99_MS and depth <= 2
        print("targets met" if met else "TARGETS NOT MET")
    finally:
        server.stop()
    return 0


# --- data ------------------------------------------------------------------------------


def fill() -> None:
    from django.core.management import call_command

    from apps.registry.loaders import load_all

    started = time.perf_counter()
    load_all()
    if os.environ.get("BENCH_SEED_DEMO") == "1":
        call_command("seed_demo", scale="district", verbosity=0)
    else:
        copy_enterprises(ENTERPRISES)
    print(f"data: {ENTERPRISES:,} enterprises in {time.perf_counter() - started:.1f} s")


def copy_enterprises(count: int) -> None:
    """COPY synthetic enterprises (and a tag on one in ten) straight into the tables."""
    from django.db import connection

    from apps.core.demo import company_name, make_uscc
    from apps.enterprises.models import Enterprise, SizeClass, Status
    from apps.registry.models import DictionaryItem, Industry, Street

    rng = random.Random(4754)
    streets = list(Street.objects.values_list("pk", flat=True))
    # Read everything before the COPY starts: no query may run on the connection during it.
    industries = {
        code: (pk, section)
        for code, pk, section in Industry.objects.filter(level=Industry.Level.CLASS).values_list(
            "code", "pk", "section"
        )
    }
    tags = list(DictionaryItem.objects.filter(kind="enterprise_tag").values_list("pk", flat=True))
    sizes = [SizeClass.MICRO] * 6 + [SizeClass.SMALL] * 3 + [SizeClass.MEDIUM, SizeClass.UNKNOWN]
    columns = [
        "uscc", "name", "former_names", "street_id", "industry_id", "section", "division",
        "registration_type", "registered_capital", "legal_representative", "address",
        "contact_phone", "member_status", "status", "size_class", "search_grams",
        "name_initials", "version", "created_at", "updated_at",
    ]  # fmt: skip
    codes: set[str] = set()
    table = Enterprise._meta.db_table
    with connection.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for i in range(count):
                uscc = make_uscc(rng)
                while uscc in codes:
                    uscc = make_uscc(rng)
                codes.add(uscc)
                name, code = company_name(rng)
                if code not in industries:
                    code = next(iter(industries))
                industry_id, industry_section = industries[code]
                copy.write_row(
                    [
                        uscc, f"{name}{i}", "[]", rng.choice(streets), industry_id,
                        industry_section, code[:2], "private",
                        rng.randint(10, 5000), "", "", f"139{rng.randint(0, 99999999):08d}",
                        "none", Status.ACTIVE, rng.choice(sizes), "", "", 1,
                        "2025-01-01 00:00:00+08", "2025-01-01 00:00:00+08",
                    ]
                )  # fmt: skip
        cursor.execute(f"SELECT id FROM {table} WHERE mod(id, 10) = 0")  # noqa: S608 (model table name)
        ids = [row[0] for row in cursor.fetchall()]
        through = Enterprise.tags.through._meta.db_table
        with cursor.copy(f"COPY {through} (enterprise_id, dictionaryitem_id) FROM STDIN") as copy:
            for pk in ids:
                copy.write_row([pk, rng.choice(tags)])
        cursor.execute(f"ANALYZE {table}")
        cursor.execute(f"ANALYZE {through}")


def people():
    """A street officer and a district staff member (TOTP verified), each with a session."""
    from django.db.models import Count
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from apps.accounts import roles
    from apps.accounts.models import UserKind
    from apps.accounts.tests.factories import UserFactory
    from apps.core.scoping import ScopeKind
    from apps.enterprises.models import Enterprise
    from apps.registry.models import Street

    built = roles.ensure_builtin_roles()
    street = Street.objects.order_by("code").first()
    section = (
        Enterprise.objects.filter(street=street)
        .values("section")
        .annotate(n=Count("id"))
        .order_by("-n")[0]["section"]
    )
    officer = UserFactory(
        username="bench_officer",
        kind=UserKind.STREET_OFFICER,
        scope_kind=ScopeKind.STREETS,
        streets=[street],
        roles=[built[roles.STREET_OFFICER]],
    )
    staff = UserFactory(username="bench_staff", roles=[built[roles.FIC_STAFF]])
    cookies = []
    for user in (officer, staff):
        client = Client()
        client.force_login(user)
        if user.requires_mfa:
            # As conftest.signed_in does: the session has passed the second factor.
            device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
            session = client.session
            session["otp_device_id"] = device.persistent_id
            session.save()
        cookies.append(f"__Host-sessionid={client.session.session_key}")
    return street, section, cookies


def deep_cursor(offset: int) -> str:
    """The keyset cursor the list would put in its "next" link after row `offset`."""
    from apps.enterprises.models import Enterprise
    from apps.enterprises.views.paging import encode_cursor

    row = Enterprise.objects.order_by("name", "pk").values_list("name", "pk")[offset - 1]
    return encode_cursor(row[0], row[1])


def _database_url(name: str) -> str:
    parts = urllib.parse.urlsplit(os.environ["BENCH_DATABASE_URL"])
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


# --- server ----------------------------------------------------------------------------


class Gunicorn:
    def __init__(self, database_url: str):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = os.environ | {
            "DJANGO_SETTINGS_MODULE": "config.settings.prod",
            "SECRET_KEY": SECRET,
            "DATABASE_URL": database_url,
            "SECURE_SSL_REDIRECT": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "TRUSTED_PROXY_COUNT": "0",
            "LOG_LEVEL": "WARNING",
            # Production runs with Redis (ARCHITECTURE.md, runtime): sessions, cached
            # permissions and the list's cached parts live there, shared by the workers.
            "REDIS_URL": REDIS_URL,
            # Production settings refuse to start without the people module's keys.
            "PEOPLE_DATA_KEYS": "k1:" + secrets.token_hex(16),
            "PEOPLE_INDEX_KEY": "i1:" + secrets.token_hex(32),
        }
        self.process = None

    def start(self) -> None:
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        python = str(ROOT / ".venv" / "bin" / "python")
        subprocess.run(  # noqa: S603
            [python, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=self.env,
            check=True,
        )
        self.process = subprocess.Popen(  # noqa: S603
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "config.wsgi",
                "--workers=2",
                "--worker-class=sync",
                f"--bind=127.0.0.1:{self.port}",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=self.env,
            start_new_session=True,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                status, _body = _get(f"{self.base}/healthz", None)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer /healthz within 60 s")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, cookie: str | None) -> tuple[int, bytes]:
    import http.client

    parts = urllib.parse.urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    conn.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def check_page(url: str, cookie: str, expect_rows: int) -> None:
    """The URL under load must be the list itself, signed in, with a full page of rows."""
    status, body = _get(url, cookie)
    html = body.decode()
    rows = html.count('<a href="/enterprises/') - html.count('<a href="/enterprises/new/')
    if status != 200 or 'id="enterprise-results"' not in html or rows < expect_rows:
        raise RuntimeError(f"{url} answered {status} with {rows} rows: not the list page")


# --- load ------------------------------------------------------------------------------


class Load:
    def __init__(self, connections: int = CONNECTIONS):
        self.connections = connections
        self.wrk = shutil.which("wrk")
        self.name = "wrk" if self.wrk else "Python threads (wrk not installed)"

    def run(
        self, url: str, cookie: str | None, duration: str = DURATION, *, vary: bool = False
    ) -> dict:
        """Load `url`; with vary, every request adds a parameter of its own (&n=1, 2, ...)
        that changes no row but misses every cache: the cost of rendering each time."""
        if self.wrk:
            return self._wrk(url, cookie, duration, vary)
        return self._python(url, cookie, float(duration.rstrip("s")), vary)

    def _wrk(self, url, cookie, duration, vary) -> dict:
        threads = min(2, self.connections)
        command = [self.wrk, f"-t{threads}", f"-c{self.connections}", f"-d{duration}", "--latency"]
        if vary:
            script = Path(os.environ["VAR_DIR"]) / "vary.lua"  # _common.setup() made it
            script.write_text(
                "local n = 0\n"
                "request = function()\n"
                "  n = n + 1\n"
                "  return wrk.format(nil, wrk.path .. '&n=' .. n .. '-' .. math.random(1e9))\n"
                "end\n"
            )
            command += ["-s", str(script)]
        if cookie:
            command += ["-H", f"Cookie: {cookie}"]
        out = subprocess.run(  # noqa: S603
            [*command, url], capture_output=True, text=True, check=True
        ).stdout
        errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        return {
            "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50_ms": _ms(re.search(r"\s50%\s+([\d.]+\w+)", out).group(1)),
            "p99_ms": _ms(re.search(r"\s99%\s+([\d.]+\w+)", out).group(1)),
            "errors": int(errors.group(1)) if errors else 0,
        }

    def _python(self, url, cookie, seconds, vary) -> dict:
        latencies, errors, stop = [], [0], time.time() + seconds
        lock = threading.Lock()
        counter = iter(range(10**9))

        def worker():
            while time.time() < stop:
                started = time.perf_counter()
                target = f"{url}&n={next(counter)}" if vary else url
                status, _body = _get(target, cookie)
                spent = time.perf_counter() - started
                with lock:
                    latencies.append(spent)
                    errors[0] += status != 200

        threads = [threading.Thread(target=worker) for _ in range(self.connections)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        latencies.sort()
        return {
            "rps": len(latencies) / seconds,
            "p50_ms": statistics.median(latencies) * 1000,
            "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
            "errors": errors[0],
        }


def combine(rounds: list[dict]) -> dict:
    """Rounds of equal length: mean req/s and p50; the worst round's p99 (not flattered)."""
    return {
        "rps": statistics.mean(r["rps"] for r in rounds),
        "p50_ms": statistics.median(r["p50_ms"] for r in rounds),
        "p99_ms": max(r["p99_ms"] for r in rounds),
        "errors": sum(r["errors"] for r in rounds),
    }


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def print_load(name: str, figures: dict) -> None:
    print(
        f"{name}: {figures['rps']:.0f} req/s, p50 {figures['p50_ms']:.1f} ms, "
        f"p99 {figures['p99_ms']:.1f} ms, errors {figures['errors']}"
    )


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
