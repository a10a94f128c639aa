"""Factories and sample files for the application tests."""

import io
import random

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.core.demo import make_uscc
from apps.members.models_applications import (
    Application,
    ApplicationKind,
    ApplicationStatus,
)
from apps.registry.tests.factories import StreetFactory

_rng = random.Random(20250301)


def uscc() -> str:
    return make_uscc(_rng)


def pdf_bytes(text: str = "licence") -> bytes:
    """A real one-page PDF."""
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(100, 700, text)
    page.showPage()
    page.save()
    return out.getvalue()


def image_bytes(fmt: str = "PNG", size=(40, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=fmt)
    return out.getvalue()


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def licence_pdf():
    return upload("营业执照.pdf", pdf_bytes(), "application/pdf")


def id_scan_jpg():
    return upload("身份证.jpg", image_bytes("JPEG"), "image/jpeg")


class ApplicationFactory(factory.django.DjangoModelFactory):
    """An application as the form would leave it (enterprise kind by default)."""

    class Meta:
        model = Application

    reference = factory.Sequence(lambda n: f"RH250301T{n:05d}")
    kind = ApplicationKind.ENTERPRISE
    status = ApplicationStatus.SUBMITTED
    street = factory.SubFactory(StreetFactory)
    uscc = factory.LazyFunction(uscc)
    org_name = factory.Sequence(lambda n: f"北京申请{n}科技有限公司")
    legal_representative = "张三"
    contact_name = "李四"
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    consent_at = factory.LazyFunction(timezone.now)
    submitted_at = factory.LazyFunction(timezone.now)


class PersonApplicationFactory(ApplicationFactory):
    kind = ApplicationKind.PERSON
    uscc = ""
    org_name = ""
    legal_representative = ""
    person_name = factory.Sequence(lambda n: f"王{n}")
    gender = "male"
    employer = "北京某公司"
    position = "经理"
    contact_name = factory.LazyAttribute(lambda o: o.person_name)
    sensitive_consent_at = factory.LazyFunction(timezone.now)


def crawl_objects(*, street, user) -> dict[str, int]:
    """Objects for the no-500 crawl (apps/core/tests/test_no_server_errors.py): one
    application with a document, and a member with a certificate."""
    from apps.members.certificates.services import certificate_issue
    from apps.members.models_applications import ApplicationAttachment, AttachmentSlot
    from apps.members.services import member_create

    application = ApplicationFactory(street=street)
    # A document whose file has gone: the download answers 404, not 500.
    attachment = ApplicationAttachment.objects.create(
        application=application,
        slot=AttachmentSlot.LICENCE,
        file="applications/crawl/missing.pdf",
        original_name="licence.pdf",
        content_type="application/pdf",
        size=1,
        digest="0" * 64,
    )
    member = member_create(
        actor=user,
        kind="person",
        street=street,
        join_date=timezone.localdate(),
        person_name="王会员",
    )
    certificate_issue(actor=None, member=member)
    return {
        "members:application_detail": application.pk,
        "members:application_review": application.pk,
        "members:application_return": application.pk,
        "members:application_reject": application.pk,
        "members:application_approve": application.pk,
        "members:application_attachment": attachment.pk,
        "members:certificate": member.pk,
        "members:certificate_pdf": member.pk,
    }
