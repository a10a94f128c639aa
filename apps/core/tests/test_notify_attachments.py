"""Emails can carry files (the monthly report sends its .docx and .xlsx)."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from apps.accounts.tests.factories import UserFactory
from apps.core.models import Delivery
from apps.core.notify import Attachment, adapters, deliver, notify, sending

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def stored(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    docx = default_storage.save("reports/r.docx", ContentFile(b"PK\x03\x04 docx bytes"))
    xlsx = default_storage.save("reports/r.xlsx", ContentFile(b"PK\x03\x04 xlsx bytes"))
    return [
        Attachment(name="朝阳区月度数据报告.docx", path=docx, content_type=DOCX),
        Attachment(name="附表.xlsx", path=xlsx),
    ]


@pytest.fixture
def wang(db):
    return UserFactory(full_name="王芳", email="wang.fang@example.com", mobile="13912345678")


def test_attached_files_arrive_with_the_email_and_nowhere_else(
    wang, stored, fake_smtp, fake_sms, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [wang],
            kind="insights.report",
            subject="2026年11月数据报告",
            body="本月数据报告见附件。",
            channels=("inapp", "email", "sms"),
            attachments=stored,
        )

    [mail] = fake_smtp.messages
    assert mail.body.strip() == "本月数据报告见附件。"
    assert mail.attachments == {
        "朝阳区月度数据报告.docx": (DOCX, b"PK\x03\x04 docx bytes"),
        "附表.xlsx": ("application/octet-stream", b"PK\x03\x04 xlsx bytes"),
    }
    [sms] = fake_sms.messages
    assert sms.content.endswith("本月数据报告见附件。")
    email = Delivery.objects.get(channel="email")
    assert email.status == Delivery.Status.SENT
    assert [a["name"] for a in email.attachments] == ["朝阳区月度数据报告.docx", "附表.xlsx"]
    assert Delivery.objects.get(channel="sms").attachments == []


def test_deliver_to_a_bare_address_can_attach_files(
    stored, fake_smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        deliver(
            "email",
            "office@example.com",
            kind="insights.report",
            subject="报告",
            body="见附件",
            attachments=stored[:1],
        )
    [mail] = fake_smtp.messages
    assert list(mail.attachments) == ["朝阳区月度数据报告.docx"]


def test_a_missing_file_fails_the_send_and_the_retry_sends_it_once_it_is_back(
    wang, stored, fake_smtp, django_capture_on_commit_callbacks
):
    default_storage.delete(stored[1].path)
    with django_capture_on_commit_callbacks(execute=True):
        notify([wang], kind="k", subject="s", body="b", channels=("email",), attachments=stored)

    row = Delivery.objects.get()
    assert row.status == Delivery.Status.FAILED
    assert "attachment" in row.error
    assert fake_smtp.messages == []

    default_storage.save(stored[1].path, ContentFile(b"again"))
    Delivery.objects.filter(pk=row.pk).update(retry_at=timezone.now() - timedelta(seconds=1))
    assert sending.attempt(row.pk) == Delivery.Status.SENT
    [mail] = fake_smtp.messages
    assert mail.attachments["附表.xlsx"][1] == b"again"


class AdapterWithoutAttachments:
    """An email adapter written before attachments existed (see adapters.py)."""

    sent: list[str] = []

    def configured(self):
        return True

    def send(self, *, address, subject, body, kind, reference):
        self.sent.append(address)


def test_an_adapter_written_without_attachments_still_works_for_plain_messages(
    wang, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFY_EMAIL_ADAPTER = f"{__name__}.AdapterWithoutAttachments"
    AdapterWithoutAttachments.sent = []
    adapters._adapter.cache_clear()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            notify([wang], kind="k", subject="s", body="b", channels=("email",))
    finally:
        adapters._adapter.cache_clear()
    assert AdapterWithoutAttachments.sent == ["wang.fang@example.com"]
    assert Delivery.objects.get().status == Delivery.Status.SENT


def test_attachments_must_be_stored_files(wang):
    with pytest.raises(ValueError):
        notify(
            [wang],
            kind="k",
            subject="s",
            body="b",
            channels=("email",),
            attachments=[{"name": "x", "path": "/etc/passwd"}],
        )
