"""Sign-in: a full login POST through the Django test Client against GET /healthz.

Uses config.settings.dev, i.e. the production password hashers (Argon2 with Django's
default cost), the whole middleware stack, django-axes and the audit log. The user needs
no second factor, so one POST signs in. Argon2 is slow on purpose (it is what makes
stolen password hashes expensive to crack), so a large ratio is expected.
"""

from _common import fmt_seconds, report, setup, timeit

N = 20
PASSWORD = "Correct-Horse-42"  # noqa: S105 (a throwaway benchmark user)
HOST = {"HTTP_HOST": "127.0.0.1"}  # in ALLOWED_HOSTS of the dev settings


def main() -> None:
    setup()
    from django.conf import settings
    from django.contrib.auth.hashers import get_hasher
    from django.test import Client

    from apps.accounts.models import User, UserKind
    from apps.core.scoping import ScopeKind

    user = User(username="bench_user", kind=UserKind.STAFF, scope_kind=ScopeKind.DISTRICT)
    user.set_password(PASSWORD)
    user.save()
    assert not user.requires_mfa
    hasher = get_hasher()
    print(f"password hasher: {hasher.algorithm} ({settings.PASSWORD_HASHERS[0]})")
    if hasher.algorithm == "argon2":
        print(
            f"  time_cost={hasher.time_cost} memory_cost={hasher.memory_cost} KiB "
            f"parallelism={hasher.parallelism}"
        )

    def login():
        client = Client(**HOST)  # a fresh browser: no session yet
        response = client.post("/accounts/login/", {"username": "bench_user", "password": PASSWORD})
        assert response.status_code == 302, response.status_code
        assert response["Location"] == "/", response["Location"]

    health_client = Client(**HOST)

    def healthz():
        response = health_client.get("/healthz")
        assert response.status_code == 200, response.status_code

    def hash_only():
        hasher.verify(PASSWORD, user.password)

    login_seconds = timeit(login, N)
    health_seconds = timeit(healthz, N * 10)
    hash_seconds = timeit(hash_only, N)

    print(f"-- median of {N} logins, {N * 10} health checks")
    print(f"logins/s (one process): {1 / login_seconds:.1f}")
    print(f"GET /healthz/s (one process): {1 / health_seconds:,.0f}")
    report("login POST", login_seconds, "GET /healthz", health_seconds)
    print(
        f"of which one password check: {fmt_seconds(hash_seconds)} "
        f"({hash_seconds / login_seconds:.0%} of a login)"
    )
    print(
        "expected: Argon2 makes each login deliberately slow (costly to brute-force); "
        "a login happens once per session, not per page."
    )


if __name__ == "__main__":
    main()
