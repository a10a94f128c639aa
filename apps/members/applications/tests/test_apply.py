"""The public application form: each kind, its documents, the captcha and the bad input the
issue lists (missing document, fake PDF, 30 MB upload, wrong check character)."""

import pytest
from django.core import mail  # noqa: F401  (mail backend is locmem in tests)
from django.test import Client
from django.test.client import FakePayload, encode_multipart
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.core.models import Delivery
from apps.members.models_applications import (
    Application,
    ApplicationAttachment,
    ApplicationStatus,
    StepAction,
)

from .factories import id_scan_jpg, image_bytes, licence_pdf, pdf_bytes, upload, uscc

pytestmark = pytest.mark.django_db


def start(client: Client, kind: str = "enterprise"):
    """Open the form; returns its URL and the captcha key the page carries."""
    url = reverse("members:apply", args=[kind])
    page = client.get(url)
    assert page.status_code == 200
    return url, page.context["challenge"].key


def enterprise_data(street, division, key, **extra):
    data = {
        "uscc": uscc(),
        "org_name": "北京朝阳示例科技有限公司",
        "legal_representative": "张三",
        "industry": division.pk,
        "employees": "35",
        "street": street.pk,
        "address": "朝阳区建国路 1 号",
        "contact_name": "李四",
        "mobile": "139 1234 5678",
        "email": "lisi@example.com",
        "introduction": "软件开发",
        "licence": licence_pdf(),
        "consent": "on",
        "captcha_key": key,
        "captcha": "TEST",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def person_data(street, key, **extra):
    data = {
        "person_name": "王小明",
        "gender": "male",
        "mobile": "13800001111",
        "employer": "北京某某科技有限公司",
        "position": "总经理",
        "street": street.pk,
        "id_scan": id_scan_jpg(),
        "consent": "on",
        "sensitive_consent": "on",
        "captcha_key": key,
        "captcha": "TEST",
    }
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def test_the_start_page_offers_three_kinds_and_the_status_lookup(client):
    page = client.get(reverse("members:apply_start"))
    assert page.status_code == 200
    for kind in ("enterprise", "group", "person"):
        assert reverse("members:apply", args=[kind]) in page.content.decode()
    assert reverse("members:apply_status") in page.content.decode()


def test_an_unknown_kind_is_404(client):
    assert client.get(reverse("members:apply", args=["company"])).status_code == 404


def test_an_enterprise_applies(client, street_a, division, django_capture_on_commit_callbacks):
    url, key = start(client)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, enterprise_data(street_a, division, key))
    assert response.status_code == 302, response.context["form"].errors
    application = Application.objects.get()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.mobile == "13912345678"
    assert application.street == street_a
    assert application.consent_at is not None
    assert application.reference.startswith("RH")
    attachment = ApplicationAttachment.objects.get()
    assert attachment.slot == "licence"
    assert attachment.content_type == "application/pdf"
    assert "营业执照" not in attachment.file.name  # random name on disk
    assert len(attachment.digest) == 64
    assert list(application.steps.values_list("action", flat=True)) == [StepAction.SUBMITTED]
    # The applicant is told the reference by SMS (and email).
    sms = Delivery.objects.get(channel="sms")
    assert application.reference in sms.body
    assert Delivery.objects.filter(channel="email", address="lisi@example.com").exists()
    # Audited, without the full mobile.
    event = AuditEvent.objects.get(action="members.application.submit")
    assert "13912345678" not in str(event.changes)
    done = client.get(response["Location"])
    assert application.reference in done.content.decode()


def test_a_person_applies_with_the_separate_consent(client, street_a):
    url, key = start(client, "person")
    response = client.post(url, person_data(street_a, key))
    assert response.status_code == 302, response.context["form"].errors
    application = Application.objects.get()
    assert application.person_name == "王小明"
    assert application.contact_name == "王小明"
    assert application.sensitive_consent_at is not None
    assert application.attachments.get().slot == "id_scan"


def test_a_person_without_the_separate_consent_is_refused(client, street_a):
    url, key = start(client, "person")
    response = client.post(url, person_data(street_a, key, sensitive_consent=None))
    assert response.status_code == 400
    assert "sensitive_consent" in response.context["form"].errors
    assert not Application.objects.exists()


def test_a_group_applies(client, street_a, chamber_a):
    url, key = start(client, "group")
    data = {
        "org_name": "建外商会",
        "chamber": chamber_a.pk,
        "legal_representative": "赵会长",
        "street": street_a.pk,
        "contact_name": "钱秘书",
        "mobile": "13700000000",
        "registration": upload("登记证书.png", image_bytes("PNG"), "image/png"),
        "consent": "on",
        "captcha_key": key,
        "captcha": "TEST",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert Application.objects.get().chamber == chamber_a


def test_without_consent_nothing_is_kept(client, street_a, division):
    url, key = start(client)
    response = client.post(url, enterprise_data(street_a, division, key, consent=None))
    assert response.status_code == 400
    assert "consent" in response.context["form"].errors
    assert not Application.objects.exists()


def test_a_missing_attachment_is_refused(client, street_a, division):
    url, key = start(client)
    response = client.post(url, enterprise_data(street_a, division, key, licence=None))
    assert response.status_code == 400
    assert "licence" in response.context["form"].errors
    assert not Application.objects.exists()
    assert not ApplicationAttachment.objects.exists()


def test_a_file_that_claims_to_be_a_pdf_but_is_not_is_refused(client, street_a, division):
    url, key = start(client)
    fake = upload("营业执照.pdf", b"<?php system($_GET['c']); ?>" * 10, "application/pdf")
    response = client.post(url, enterprise_data(street_a, division, key, licence=fake))
    assert response.status_code == 400
    errors = response.context["form"].errors["licence"]
    assert errors and "PDF" in errors[0]
    assert not Application.objects.exists()


def test_a_wrong_check_character_in_the_credit_code_is_refused(client, street_a, division):
    url, key = start(client)
    good = uscc()
    wrong = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = client.post(url, enterprise_data(street_a, division, key, uscc=wrong))
    assert response.status_code == 400
    assert "uscc" in response.context["form"].errors
    assert not Application.objects.exists()


def test_a_wrong_captcha_is_refused_and_a_new_picture_is_shown(
    client, street_a, division, settings
):
    settings.CAPTCHA_TEST_ANSWER = ""
    url, key = start(client)
    response = client.post(url, enterprise_data(street_a, division, key, captcha="XXXX"))
    assert response.status_code == 400
    assert "captcha" in response.context["form"].errors
    assert response.context["challenge"].key != key
    assert not Application.objects.exists()


def test_a_captcha_cannot_be_used_twice(client, street_a, division):
    url, key = start(client)
    assert client.post(url, enterprise_data(street_a, division, key)).status_code == 302
    again = client.post(url, enterprise_data(street_a, division, key, uscc=uscc()))
    assert again.status_code == 400
    assert Application.objects.count() == 1


def test_extra_post_fields_change_nothing(client, street_a, division):
    url, key = start(client)
    data = enterprise_data(
        street_a, division, key, status="admitted", reference="RH000000HACK", version="99"
    )
    assert client.post(url, data).status_code == 302
    application = Application.objects.get()
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.reference != "RH000000HACK"
    assert application.version == 1


class CountingPayload(FakePayload):
    """The request body, counting how much of it the server reads."""

    def __init__(self, content):
        super().__init__(content)
        self.bytes_read = 0

    def read(self, size=-1, /):
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk

    def readline(self, size=-1, /):
        line = super().readline(size)
        self.bytes_read += len(line)
        return line


def test_a_30_mb_upload_is_refused_before_its_body_is_read(client, street_a, division):
    url, key = start(client)
    big = upload("营业执照.pdf", b"%PDF-1.7\n" + b"0" * (30 * 1024 * 1024), "application/pdf")
    body = encode_multipart("BoUnDaRy", enterprise_data(street_a, division, key, licence=big))
    payload = CountingPayload(body)
    response = client.generic(
        "POST",
        url,
        content_type="multipart/form-data; boundary=BoUnDaRy",
        **{"wsgi.input": payload, "CONTENT_LENGTH": str(len(body))},
    )
    assert response.status_code == 413
    assert payload.bytes_read == 0
    assert "MB" in response.content.decode()
    assert not Application.objects.exists()


def test_one_file_over_10_mb_is_cut_off_at_the_cap(client, street_a, division, settings):
    """Under the request cap but over the per-file cap: the file part is dropped as soon as
    it passes the cap, and the applicant is told the file is too large."""
    settings.MEMBERS_ATTACHMENT_MAX_BYTES = 200_000
    url, key = start(client)
    big = upload("营业执照.pdf", pdf_bytes() + b"%" + b"0" * 300_000, "application/pdf")
    response = client.post(url, enterprise_data(street_a, division, key, licence=big))
    assert response.status_code == 400
    assert response.wsgi_request.members_too_large == {"licence"}
    assert "licence" in response.context["form"].errors
    assert not Application.objects.exists()


def test_the_form_carries_no_captcha_answer_and_works_without_javascript(client):
    page = client.get(reverse("members:apply", args=["enterprise"]))
    html = page.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert "data:image/png;base64," in html
    assert page["Cache-Control"].count("no-store") or "no-cache" in page["Cache-Control"]


def test_another_picture_replaces_the_key(client):
    start(client)
    part = client.get(reverse("core:captcha"), HTTP_HX_REQUEST="true")
    assert part.status_code == 200
    assert 'hx-swap-oob="true"' in part.content.decode()
