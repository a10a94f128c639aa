"""Every page, for every persona, with junk in the query string: never a 500."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from apps.accounts.tests.factories import UserFactory
from apps.registry.tests.factories import DictionaryItemFactory

pytestmark = pytest.mark.django_db

PERSONAS = [
    "district_admin",
    "street_a_clerk",
    "leader",
    "enterprise_user",
    "auditor",
    "anonymous",
]
JUNK = {
    "page": "-1'",
    "q": "<script>' OR 1=1 --",
    "kind": "nope",
    "street": "abc",
    "start": "2026-13-45",
    "result": "x" * 300,
    "export": "pdf",
}
# Views that end the session or expect POST only are exercised elsewhere.
SKIP = {"accounts:logout"}


def named_patterns(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_patterns(entry, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry


@pytest.fixture
def objects(street_a, chamber_a, district_admin):
    from apps.accounts.models import Department, Role
    from apps.core.models import Notification
    from apps.enterprises.models import ImportJob, LedgerFlag, QualityRule
    from apps.enterprises.tests.factories import EnterpriseFactory, LedgerEntryFactory
    from apps.filings.tests.factories import crawl_objects as filing_objects
    from apps.insights.tests.report.factories import crawl_objects as report_objects
    from apps.members.applications.tests.factories import crawl_objects as application_objects
    from apps.members.tests.factories import crawl_objects as member_objects
    from apps.people.tests.factories import crawl_objects as people_objects

    department = Department.objects.create(name="办公室")
    enterprise = EnterpriseFactory(street=street_a)
    flag = LedgerFlag.objects.create(
        entry=LedgerEntryFactory(enterprise=enterprise), rule=QualityRule.NEGATIVE_REVENUE
    )
    # A job whose file has gone: its pages must still answer, not fail.
    job = ImportJob.objects.create(
        kind="ledger",
        original_name="台帐.xlsx",
        stored_path="imports/missing.xlsx",
        size=1,
        digest="0" * 64,
        created_by=district_admin,
    )
    from apps.portal.tests.factories import EnterpriseLinkFactory

    link = EnterpriseLinkFactory(enterprise=enterprise)
    by_prefix = {
        "enterprises:import_": job.pk,
        "enterprises:quality_": flag.pk,
        "portal:review_": link.pk,
    }
    return {
        "prefix": by_prefix,
        "enterprise": enterprise.pk,
        "pk": {
            "registry:street_detail": street_a.pk,
            "registry:chamber_detail": chamber_a.pk,
            "registry:chamber_update": chamber_a.pk,
            "registry:dictionary_update": DictionaryItemFactory().pk,
            "accounts:department_update": department.pk,
            "accounts:role_update": Role.objects.first().pk,
            **filing_objects(enterprise),
            **member_objects(street=street_a, chamber=chamber_a, user=district_admin),
            **application_objects(street=street_a, user=district_admin),
            **report_objects(user=district_admin),
            **people_objects(user=district_admin),
            "notifications:open": Notification.objects.create(
                user=district_admin, kind="test", subject="通知"
            ).pk,
        },
        "user_pk": UserFactory().pk,
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_answers_500(request, login, persona, objects):
    from django.urls import NoReverseMatch, reverse

    client = login(request.getfixturevalue(persona))
    client.raise_request_exception = False
    failures = []
    for name, pattern in named_patterns():
        if name in SKIP or name.startswith(("admin:", "djdt:")):
            continue
        needs_pk = "<int:pk>" in str(pattern.pattern)
        if needs_pk:
            pk = objects["pk"].get(name, objects["user_pk"] if "user" in name else None)
            if name.startswith(("enterprises:", "portal:")):
                prefixed = [v for p, v in objects["prefix"].items() if name.startswith(p)]
                pk = prefixed[0] if prefixed else objects["enterprise"]
            if pk is None:
                failures.append(f"{name}: no object for the test")
                continue
            url = reverse(name, args=[pk])
        else:
            try:
                url = reverse(name)
            except NoReverseMatch:  # patterns that take other arguments
                if "<str:kind>" not in str(pattern.pattern):
                    continue
                url = reverse(name, kwargs={"kind": "ledger"})
        for method, data in (("get", JUNK), ("post", JUNK)):
            status = getattr(client, method)(url, data).status_code
            if status >= 500:
                failures.append(f"{persona} {method.upper()} {url}: {status}")
    assert not failures, "\n".join(failures)
