"""The people list at 10,000 people: decryptions per page, and its time against the same list
without the encrypted fields.

10,000 people (ID numbers and mobiles encrypted with SM4-GCM, blind indexes), a third with an
arrangement and most with an evaluation, are loaded into a throwaway database. A signed-in,
TOTP-verified FIC staff member (personal-data grade) requests the list's pages through the
whole middleware stack (Django's test client): page 1, page 100, and a filtered page.

* decryptions: counted by the crypto provider around each request. Each row shows its masked
  ID number and masked mobile, so a page of 50 must decrypt exactly 100 values (50 + 50) — not
  10,000, and nothing for the rows of other pages;
* time: median of each page, against the same request with the two masked properties
  replaced by constants (the same list without the encrypted fields: no decryption at all);
  the ratio is the cost of decrypting what the page shows.

    DJANGO_SETTINGS_MODULE=config.settings.dev .venv/bin/python bench/bench_people.py
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
      DJANGO_SETTINGS_MODULE=config.settings.dev .venv/bin/python bench/bench_people.py

BENCH_PEOPLE (default 10000) changes the size.
"""

import os
import random
import time
from datetime import date, timedelta

from _common import fmt_seconds, report, setup, timeit

N = int(os.environ.get("BENCH_PEOPLE", "10000"))
PAGE = 50


def load(rng: random.Random) -> None:
    from django.utils import timezone

    from apps.core.demo import person_name
    from apps.people import idcard
    from apps.people.models import Evaluation, Person, PoliticalArrangement
    from apps.people.services import evaluation_valid_until

    today = timezone.localdate()
    start = time.perf_counter()
    batch = []
    for n in range(N):
        born = date(1950 + n % 45, 1 + n % 12, 1 + n % 28)
        gender = "M" if n % 4 else "F"
        sequence = (n // 1260) * 2 + (1 if gender == "M" else 2)
        batch.append(
            Person(
                name=person_name(rng),
                name_initials=f"x{n % 26:02d}",
                gender=gender,
                ethnicity="01",
                birth_date=born,
                id_number=idcard.make(f"1101{n % 20 + 1:02d}", born, sequence % 999),
                mobile=f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}",
                affiliation=rng.choice(["01", "06", "12", "13"]),
            )
        )
        if len(batch) == 1000:
            Person.objects.bulk_create(batch)
            batch = []
    Person.objects.bulk_create(batch)
    ids = list(Person.objects.values_list("pk", flat=True))
    PoliticalArrangement.objects.bulk_create(
        PoliticalArrangement(
            person_id=pk, kind="cppcc", level="district", term_number=15, start=date(2021, 12, 20)
        )
        for pk in ids[::3]
    )
    evaluations = []
    for pk in ids:
        if rng.random() < 0.8:
            on = today - timedelta(days=rng.randint(30, 4 * 365))
            evaluations.append(
                Evaluation(
                    person_id=pk,
                    grade="A",
                    evaluated_on=on,
                    body="区委统战部",
                    valid_until=evaluation_valid_until(on),
                )
            )
    Evaluation.objects.bulk_create(evaluations, batch_size=1000)
    print(
        f"data: {Person.objects.count()} people (each ID number and mobile SM4-GCM encrypted), "
        f"{len(ids[::3])} arrangements, {len(evaluations)} evaluations, "
        f"loaded in {time.perf_counter() - start:.1f} s"
    )


def staff_client():
    from django.test import Client
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from apps.accounts import roles
    from apps.accounts.models import User, UserKind

    role = roles.ensure_builtin_roles()[roles.FIC_STAFF]
    user = User.objects.create(username="bench_staff", kind=UserKind.STAFF, scope_kind="district")
    user.groups.set([role.group])
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    device = TOTPDevice.objects.create(user=user, name="bench", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    return client


def main() -> None:
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    setup()
    from django.urls import reverse

    from apps.core import crypto
    from apps.people.models import Person

    rng = random.Random(7)
    load(rng)
    client = staff_client()
    provider = crypto.provider()
    url = reverse("people:list")
    pages = {
        "page 1": {},
        "page 100": {"page": "100"},
        "filtered (中共党员, evaluation valid)": {"affiliation": "01", "evaluation": "valid"},
    }

    def get(params):
        response = client.get(url, params)
        assert response.status_code == 200, response.status_code
        return response

    print()
    print("decryptions per request (each row shows a masked ID number and a masked mobile):")
    ok = True
    for label, params in pages.items():
        get(params)  # warm
        before = provider.decryptions
        response = get(params)
        count = provider.decryptions - before
        expected = 2 * PAGE
        ok = ok and count <= expected and "********" in response.content.decode()
        print(f"  {label}: {count} decryptions (expected at most {expected})")
    print(f"decrypts only what it shows: {'yes' if ok else 'NO'}")

    real_id, real_mobile = Person.id_number_masked, Person.mobile_masked
    print()
    for label, params in pages.items():
        with_fields = timeit(lambda p=params: get(p), n=15, warmup=3)
        Person.id_number_masked = property(lambda self: "110105********0000")
        Person.mobile_masked = property(lambda self: "139****0000")
        try:
            before = provider.decryptions
            get(params)
            assert provider.decryptions == before, "the baseline must decrypt nothing"
            without = timeit(lambda p=params: get(p), n=15, warmup=3)
        finally:
            Person.id_number_masked, Person.mobile_masked = real_id, real_mobile
        print(f"-- {label}")
        ratio = report(
            "list with the masked ID number and mobile (100 decryptions)",
            with_fields,
            "the same list without the encrypted fields",
            without,
        )
        per = (with_fields - without) / (2 * PAGE)
        print(f"cost per decrypted value: ~{fmt_seconds(max(per, 0))} (ratio {ratio:.2f}x)")


if __name__ == "__main__":
    main()
