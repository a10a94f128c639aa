"""Every URL of applications and certificates × persona (SECURITY.md 6): public pages for
everyone; staff, the leader and street officers (their 街乡 only) on the review pages."""

import pytest
from django.urls import reverse

from apps.core.testing import FORBIDDEN, LOGIN, NOT_FOUND, OK, Row, run_matrix
from apps.members.applications import services
from apps.members.models_applications import ApplicationAttachment, AttachmentSlot

from .factories import ApplicationFactory, pdf_bytes

pytestmark = pytest.mark.django_db

PERSONAS = [
    "district_admin",
    "street_a_clerk",
    "street_b_clerk",
    "leader",
    "enterprise_user",
    "auditor",
    "anonymous",
]
BAD_REQUEST = 400


@pytest.fixture
def application_a(street_a, division):
    return ApplicationFactory(street=street_a, industry=division)


@pytest.fixture
def attachment_a(application_a):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    name = default_storage.save("applications/test/a.pdf", ContentFile(pdf_bytes()))
    return ApplicationAttachment.objects.create(
        application=application_a,
        slot=AttachmentSlot.LICENCE,
        file=name,
        original_name="a.pdf",
        content_type="application/pdf",
        size=10,
        digest="0" * 64,
    )


@pytest.fixture
def member_a(street_a, division, district_admin, leader):
    """A member of street A admitted through an application (with its certificate)."""
    application = ApplicationFactory(street=street_a, industry=division)
    services.application_review(actor=district_admin, application=application, version=1)
    return services.application_approve(actor=leader, application=application, version=2).member


def rows(url_name, target, expected: dict, method="get"):
    return [Row(p, target, url_name, expected[p], method) for p in PERSONAS]


READERS = {  # pages of one application of street A
    "district_admin": OK,
    "street_a_clerk": OK,
    "street_b_clerk": NOT_FOUND,
    "leader": OK,
    "enterprise_user": FORBIDDEN,
    "auditor": FORBIDDEN,
    "anonymous": LOGIN,
}


def test_application_pages(request, login, application_a):
    run_matrix(
        request, login, rows("members:application_list", "", {**READERS, "street_b_clerk": OK})
    )
    run_matrix(request, login, rows("members:application_detail", "application_a", READERS))


def test_decisions(request, login, application_a):
    """POSTs without a version: a permitted reviewer gets the form back (400), nothing else
    gets past the permission (403), another street's officer included."""
    nobody = {p: FORBIDDEN for p in PERSONAS} | {"anonymous": LOGIN}
    run_matrix(
        request,
        login,
        rows(
            "members:application_review",
            "application_a",
            nobody | {"district_admin": BAD_REQUEST},
            "post",
        ),
    )
    run_matrix(
        request,
        login,
        rows(
            "members:application_approve", "application_a", nobody | {"leader": BAD_REQUEST}, "post"
        ),
    )
    for name in ("members:application_return", "members:application_reject"):
        expected = nobody | {"district_admin": BAD_REQUEST, "leader": BAD_REQUEST}
        run_matrix(request, login, rows(name, "application_a", expected, "post"))


def test_documents(request, login, attachment_a):
    expected = {
        "district_admin": OK,
        "street_a_clerk": FORBIDDEN,  # reads the application, not the documents
        "street_b_clerk": NOT_FOUND,
        "leader": FORBIDDEN,  # aggregates grade
        "enterprise_user": NOT_FOUND,
        "auditor": FORBIDDEN,
        "anonymous": LOGIN,
    }
    run_matrix(request, login, rows("members:application_attachment", "attachment_a", expected))


def test_certificate_pages(request, login, member_a):
    expected = {
        "district_admin": OK,
        "street_a_clerk": OK,
        "street_b_clerk": NOT_FOUND,
        "leader": FORBIDDEN,
        "enterprise_user": NOT_FOUND,
        "auditor": FORBIDDEN,
        "anonymous": LOGIN,
    }
    run_matrix(request, login, rows("members:certificate", "member_a", expected))
    run_matrix(request, login, rows("members:certificate_pdf", "member_a", expected))
    issue = expected | {"district_admin": LOGIN, "street_a_clerk": FORBIDDEN}  # 302 after issuing
    run_matrix(request, login, rows("members:certificate", "member_a", issue, "post"))


@pytest.mark.parametrize("persona", PERSONAS)
def test_public_pages_answer_everyone(request, login, persona):
    client = login(request.getfixturevalue(persona))
    for name in (
        "members:apply_start",
        "members:apply_status",
        "members:verify",
        "core:captcha",
    ):
        assert client.get(reverse(name)).status_code == OK, name
    for kind in ("enterprise", "group", "person"):
        assert client.get(reverse("members:apply", args=[kind])).status_code == OK
    # Nothing to show without a submission or a look-up in this browser.
    assert client.get(reverse("members:apply_done")).status_code == LOGIN
    assert (
        client.get(reverse("members:apply_status_detail", args=["RH0000000000"])).status_code
        == LOGIN
    )


def test_the_status_page_needs_the_lookup(client, application_a):
    url = reverse("members:apply_status_detail", args=[application_a.reference])
    assert client.get(url).status_code == LOGIN
    wrong = client.post(
        reverse("members:apply_status"),
        {"reference": application_a.reference, "mobile": "13000000000"},
    )
    assert wrong.status_code == NOT_FOUND
    assert client.get(url).status_code == LOGIN
    right = client.post(
        reverse("members:apply_status"),
        {"reference": application_a.reference, "mobile": application_a.mobile},
    )
    assert right["Location"] == url
    page = client.get(url)
    assert page.status_code == OK
    # The applicant's page names no reviewer.
    assert "district_admin" not in page.content.decode()


def test_junk_on_the_applicants_page_is_no_500(client, application_a):
    from apps.members.models_applications import ApplicationStatus

    application_a.status = ApplicationStatus.RETURNED
    application_a.save()
    client.post(
        reverse("members:apply_status"),
        {"reference": application_a.reference, "mobile": application_a.mobile},
    )
    url = reverse("members:apply_status_detail", args=[application_a.reference])
    response = client.post(url, {"version": "abc", "street": "x", "employees": "-1'"})
    assert response.status_code == BAD_REQUEST
    response = client.post(
        url,
        {
            "version": "abc",
            "uscc": application_a.uscc,
            "org_name": "x",
            "legal_representative": "x",
            "industry": application_a.industry_id,
            "employees": "1",
            "street": application_a.street_id,
            "contact_name": "x",
            "mobile": application_a.mobile,
        },
    )
    assert response.status_code == 409  # an old (or unreadable) version is a conflict
