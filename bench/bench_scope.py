"""Data scope: Chamber.objects.in_scope(user) against the same filter written by hand.

43 streets, 300 chambers spread over them, a street officer scoped to one street.
The scope layer should add no hidden queries: the ratio should be ~1.0 once the user's
scope is known (User.data_scope is cached per request). The cold case (a fresh user
object, as at the start of each request) costs one extra query for the street ids.
"""

from _common import fmt_seconds, report, setup, timeit

N = 500


def main() -> None:
    setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from apps.accounts.models import User, UserKind
    from apps.core.scoping import ScopeKind
    from apps.registry.models import Chamber, Street

    Street.objects.bulk_create(
        Street(
            code=f"110105{i:03d}000",
            short_name=f"街乡{i}",
            office_name=f"街乡{i}街道办事处",
            kind=Street.Kind.SUBDISTRICT,
        )
        for i in range(1, 44)
    )
    streets = list(Street.objects.order_by("code"))
    Chamber.objects.bulk_create(
        Chamber(name=f"商会{i}", kind=Chamber.Kind.STREET, street=streets[i % len(streets)])
        for i in range(300)
    )
    user = User.objects.create(
        username="street_officer",
        kind=UserKind.STREET_OFFICER,
        scope_kind=ScopeKind.STREETS,
    )
    user.scope_streets.set([streets[0]])
    street_ids = [streets[0].pk]
    print(f"data: {Street.objects.count()} streets, {Chamber.objects.count()} chambers")

    def scoped():
        return list(Chamber.objects.in_scope(user))

    def by_hand():
        return list(Chamber.objects.filter(street_id__in=street_ids))

    def scoped_cold():
        fresh = User.objects.get(pk=user.pk)  # what each request starts from
        return list(Chamber.objects.in_scope(fresh))

    def by_hand_with_user():
        User.objects.get(pk=user.pk)
        return list(Chamber.objects.filter(street_id__in=street_ids))

    assert [c.pk for c in scoped()] == [c.pk for c in by_hand()]
    rows = len(by_hand())
    print(f"rows in scope: {rows}")

    for name, fn in (("in_scope", scoped), ("by hand", by_hand)):
        with CaptureQueriesContext(connection) as ctx:
            fn()
        print(f"queries, {name}: {len(ctx.captured_queries)}")
        for q in ctx.captured_queries:
            print(f"  {q['sql']}")
    with CaptureQueriesContext(connection) as ctx:
        scoped_cold()
    print(f"queries, in_scope with a fresh user object (cold scope): {len(ctx.captured_queries)}")
    for q in ctx.captured_queries:
        print(f"  {q['sql']}")

    print(f"-- warm scope (median of {N}, list of {rows} rows)")
    report(
        "Chamber.objects.in_scope(user)",
        timeit(scoped, N),
        "Chamber.objects.filter(street_id__in=[...])",
        timeit(by_hand, N),
    )
    print(f"-- cold scope: user loaded fresh, as at the start of a request (median of {N})")
    cold = timeit(scoped_cold, N)
    base = timeit(by_hand_with_user, N)
    report("User.get + in_scope", cold, "User.get + filter by hand", base)
    print(f"extra cost of computing the scope once per request: {fmt_seconds(cold - base)}")


if __name__ == "__main__":
    main()
