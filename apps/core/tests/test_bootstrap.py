import io
import re

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from stdnum.cn import uscc

from apps.accounts.demo import PERSONAS
from apps.accounts.models import User
from apps.core.demo import make_uscc
from apps.registry.models import Chamber, Street

pytestmark = pytest.mark.django_db


def run(*args, **kwargs) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **kwargs)
    return out.getvalue()


def test_bootstrap_prints_generated_passwords_once_and_they_work(rf):
    first = run("bootstrap")
    rows = re.findall(r"^(\w+)\s+(\S{16})\s", first, flags=re.MULTILINE)
    assert {name for name, _ in rows} == {p[0] for p in PERSONAS}
    passwords = dict(rows)
    # Generated, so no two demo accounts share one, and each signs in.
    assert len(set(passwords.values())) == len(passwords)
    request = rf.post("/accounts/login/")
    for username, password in passwords.items():
        assert authenticate(request, username=username, password=password) is not None, username

    second = run("bootstrap")
    assert not re.search(r"^\w+\s+\S{16}\s", second, flags=re.MULTILINE)
    assert User.objects.filter(username__in=passwords).count() == len(PERSONAS)


def test_persona_accounts_have_the_scopes_the_readme_promises():
    run("bootstrap")
    jianwai = User.objects.get(username="jianwai")
    assert list(Street.objects.in_scope(jianwai).values_list("short_name", flat=True)) == ["建外"]
    assert User.objects.get(username="staff").requires_mfa
    assert User.objects.get(username="sysadmin").requires_mfa
    assert not User.objects.get(username="leader").requires_mfa
    assert uscc.is_valid(User.objects.get(username="enterprise").scope_uscc)


def test_seed_demo_district_scale_is_realistic_and_repeatable():
    run("load_reference")
    run("seed_demo", scale="district")
    assert Chamber.objects.count() == 300
    assert Chamber.objects.filter(kind=Chamber.Kind.STREET).count() == 43
    assert User.objects.filter(username__startswith="street_").count() == 43
    run("seed_demo", scale="district")
    assert Chamber.objects.count() == 300


def test_generated_credit_codes_are_valid():
    import random

    rng = random.Random(7)
    codes = {make_uscc(rng) for _ in range(2000)}
    assert all(uscc.is_valid(code) for code in codes)
    assert all(code.startswith("91110105") for code in codes)
    assert len(codes) == 2000


def test_the_enterprise_persona_sees_its_own_enterprise():
    from apps.enterprises.models import Enterprise

    run("bootstrap")
    user = User.objects.get(username="enterprise")
    mine = Enterprise.objects.in_scope(user)
    assert [e.uscc for e in mine] == [user.scope_uscc]
    assert mine.get().ledger.count() == 12
