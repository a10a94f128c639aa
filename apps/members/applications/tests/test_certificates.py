"""会员证: the PDF carries the member's number in the project's Chinese font; its code
verifies on the public page, which shows the name, number and status and nothing else."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from apps.members.applications import services
from apps.members.certificates import codes
from apps.members.certificates.services import certificate_for_code, certificate_issue
from apps.members.models import Member
from apps.members.models_applications import Certificate

from .factories import ApplicationFactory, PersonApplicationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member(street_a, division, district_admin, leader):
    application = ApplicationFactory(
        street=street_a, industry=division, org_name="北京朝阳证书测试科技有限公司"
    )
    services.application_review(actor=district_admin, application=application, version=1)
    return services.application_approve(actor=leader, application=application, version=2).member


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_certificate_pdf_carries_the_member_number_in_chinese(login, district_admin, member):
    response = login(district_admin).get(reverse("members:certificate_pdf", args=[member.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    reader = PdfReader(io.BytesIO(response.content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 420)  # A5 landscape
    text = pdf_text(response.content)
    assert member.number in text
    assert "北京朝阳证书测试科技有限公司" in text
    assert "会" in text and "证" in text
    code = Certificate.objects.get(member=member).code
    assert codes.display(code) in text
    fonts = reader.pages[0]["/Resources"]["/Font"]
    base_fonts = [str(fonts[name].get_object()["/BaseFont"]) for name in fonts]
    assert any("FICSansSC" in name for name in base_fonts)  # the project's CJK font, embedded


def test_the_code_verifies_on_the_public_page(client, member):
    code = Certificate.objects.get(member=member).code
    page = client.get(reverse("members:verify_code", args=[codes.display(code)]))
    assert page.status_code == 200
    result = page.context["result"]
    assert result["found"] and result["number"] == member.number
    html = page.content.decode()
    assert member.number in html and member.display_name in html
    assert set(result) == {
        "found",
        "name",
        "number",
        "status",
        "current_member",
        "replaced",
        "code",
    }
    # Nothing else about the member: no street, no contact, no join date.
    assert member.street.short_name not in html
    assert member.contact_phone not in html
    # Typed in lower case with spaces, through the form.
    typed = client.get(
        reverse("members:verify"), {"code": code.lower()[:8] + " " + code.lower()[8:]}
    )
    assert typed.context["result"]["found"]


def test_a_wrong_code_does_not_verify(client, member):
    code = Certificate.objects.get(member=member).code
    wrong = code[:-1] + ("A" if code[-1] != "A" else "B")
    page = client.get(reverse("members:verify_code", args=[wrong]))
    assert page.status_code == 404
    assert not page.context["result"]["found"]


def test_codes_are_not_guessable_from_the_number():
    a = codes.make(member_id=1, number="CY202500001", serial=1)
    b = codes.make(member_id=1, number="CY202500001", serial=2)
    c = codes.make(member_id=2, number="CY202500002", serial=1)
    assert len({a, b, c}) == 3
    assert all(len(code) == 16 for code in (a, b, c))
    assert "CY2025" not in a


def test_the_key_decides_the_code(settings):
    a = codes.make(member_id=1, number="CY202500001", serial=1)
    settings.MEMBERS_CERTIFICATE_KEY = "another-key"
    assert codes.make(member_id=1, number="CY202500001", serial=1) != a


def test_a_new_issue_replaces_the_old_certificate(client, login, district_admin, member):
    old = Certificate.objects.get(member=member)
    response = login(district_admin).post(reverse("members:certificate", args=[member.pk]))
    assert response.status_code == 302
    new = Certificate.objects.get(member=member, replaced_at__isnull=True)
    assert new.serial == 2 and new.code != old.code
    page = client.get(reverse("members:verify_code", args=[old.code]))
    assert page.context["result"]["replaced"]
    assert client.get(reverse("members:verify_code", args=[new.code])).context["result"][
        "current_member"
    ]


def test_a_member_who_left_verifies_as_no_longer_a_member(client, member):
    Member.objects.filter(pk=member.pk).update(status="withdrawn")
    code = Certificate.objects.get(member=member).code
    result = client.get(reverse("members:verify_code", args=[code])).context["result"]
    assert result["found"] and not result["current_member"]


def test_a_person_member_gets_a_certificate(district_admin, leader, street_a):
    application = PersonApplicationFactory(street=street_a, person_name="王证书")
    services.application_review(actor=district_admin, application=application, version=1)
    admitted = services.application_approve(actor=leader, application=application, version=2)
    certificate = Certificate.objects.get(member=admitted.member)
    assert certificate_for_code(certificate.code).member.display_name == "王证书"


def test_only_staff_who_may_issue_do(leader, member):
    from django.core.exceptions import PermissionDenied

    from apps.accounts.tests.factories import UserFactory

    with pytest.raises(PermissionDenied):
        certificate_issue(actor=UserFactory(), member=member)
