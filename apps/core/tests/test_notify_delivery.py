"""notify() and deliver(): what reaches the SMS gateway and the mail server, and the record."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone, translation

from apps.accounts.tests.factories import UserFactory
from apps.core.models import Delivery, Notification
from apps.core.notify import deliver, notify, sending
from apps.core.schedules import all_schedules

pytestmark = pytest.mark.django_db

Status, Reason = Delivery.Status, Delivery.Reason


@pytest.fixture
def wang(db):
    return UserFactory(full_name="王芳", email="wang.fang@example.com", mobile="13912345678")


def reminder(users, **overrides):
    kwargs = {
        "kind": "filings.reminder",
        "subject": "2026年第3季度填报提醒",
        "body": "贵企业尚未提交第3季度数据，请于10月15日前登录平台填报。",
        "url": "/filings/",
        "channels": ("inapp", "email", "sms"),
    }
    return notify(users, **(kwargs | overrides))


def expire_retries():
    """Move the clock past every pending retry."""
    Delivery.objects.exclude(retry_at=None).update(retry_at=timezone.now() - timedelta(seconds=1))


def test_message_reaches_phone_mail_and_inbox_after_commit(
    wang, fake_sms, fake_smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        queued = reminder([wang])
        assert fake_sms.messages == [] and fake_smtp.messages == []  # not before commit

    assert queued == 2
    [sms] = fake_sms.messages
    assert sms.mobile == "13912345678"
    assert sms.content == "【朝阳区工商联】贵企业尚未提交第3季度数据，请于10月15日前登录平台填报。"
    assert sms.payload["kind"] == "filings.reminder"
    assert sms.headers["Authorization"] == "Bearer test-token"
    [mail] = fake_smtp.messages
    assert mail.recipients == ["wang.fang@example.com"]
    assert mail.subject == "2026年第3季度填报提醒"
    assert "请于10月15日前登录平台填报" in mail.body
    rows = Delivery.objects.order_by("channel")
    assert [(d.channel, d.status, d.attempts, d.user) for d in rows] == [
        ("email", Status.SENT, 1, wang),
        ("sms", Status.SENT, 1, wang),
    ]
    assert all(d.sent_at and not d.retry_at and not d.error for d in rows)
    assert Notification.objects.get(user=wang).subject == "2026年第3季度填报提醒"


def test_nothing_is_sent_or_kept_when_the_callers_transaction_rolls_back(
    wang, fake_sms, fake_smtp, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        reminder([wang])
        raise RuntimeError("the caller's write failed")

    assert fake_sms.requests == 0 and fake_smtp.attempts == 0
    assert not Delivery.objects.exists()
    assert not Notification.objects.exists()


def test_failed_sms_is_recorded_and_retried_later(
    wang, fake_sms, django_capture_on_commit_callbacks
):
    fake_sms.fail_with = 500
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        reminder([wang], channels=("sms",))

    delivery = Delivery.objects.get()
    assert delivery.status == Status.FAILED
    assert delivery.error.startswith("HTTP 500")
    assert delivery.attempts == 1
    # First retry after NOTIFY_RETRY_DELAYS[0] (5 minutes), not at once.
    assert delivery.retry_at >= before + timedelta(minutes=5)
    assert sending.retry_due() == 0
    assert fake_sms.requests == 1

    fake_sms.fail_with = None
    expire_retries()
    assert sending.retry_due() == 1

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.error) == (Status.SENT, 2, "")
    assert [m.mobile for m in fake_sms.messages] == ["13912345678"]


def test_send_is_given_up_after_the_last_retry(wang, fake_sms, django_capture_on_commit_callbacks):
    fake_sms.fail_with = 500
    with django_capture_on_commit_callbacks(execute=True):
        reminder([wang], channels=("sms",))
    for _ in range(10):
        expire_retries()
        sending.retry_due()

    delivery = Delivery.objects.get()
    assert delivery.status == Status.FAILED
    assert delivery.attempts == sending.max_attempts() == 4
    assert delivery.retry_at is None
    assert fake_sms.requests == 4


def test_failed_email_is_recorded(wang, fake_smtp, django_capture_on_commit_callbacks):
    fake_smtp.fail_with = 554
    with django_capture_on_commit_callbacks(execute=True):
        reminder([wang], channels=("email",))

    delivery = Delivery.objects.get()
    assert delivery.status == Status.FAILED
    assert "554" in delivery.error
    assert delivery.retry_at is not None
    assert fake_smtp.messages == []


def test_channels_without_endpoint_are_skipped_not_failed(
    wang, settings, django_capture_on_commit_callbacks
):
    # The offline `make run` default: no SMS endpoint, no mail host.
    settings.NOTIFY_SMS_ENDPOINT = ""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = ""
    with django_capture_on_commit_callbacks(execute=True):
        assert reminder([wang]) == 2

    rows = Delivery.objects.all()
    assert {(d.status, d.error) for d in rows} == {(Status.SKIPPED, Reason.NOT_CONFIGURED)}
    with translation.override("zh-hans"):
        assert rows[0].error_display == "未配置"
    assert Notification.objects.filter(user=wang).count() == 1  # the inbox still works


def test_user_without_email_or_mobile_is_skipped_and_recorded(
    fake_sms, fake_smtp, django_capture_on_commit_callbacks
):
    nobody = UserFactory(email="", mobile="")
    with django_capture_on_commit_callbacks(execute=True):
        assert reminder([nobody]) == 0

    rows = Delivery.objects.order_by("channel")
    assert [(d.channel, d.status, d.error, d.user) for d in rows] == [
        ("email", Status.SKIPPED, Reason.NO_ADDRESS, nobody),
        ("sms", Status.SKIPPED, Reason.NO_ADDRESS, nobody),
    ]
    assert fake_sms.requests == 0 and fake_smtp.attempts == 0
    assert Notification.objects.filter(user=nobody).exists()


def test_each_user_is_told_once(wang, fake_sms, django_capture_on_commit_callbacks):
    other = UserFactory(mobile="13700000000")
    with django_capture_on_commit_callbacks(execute=True):
        assert reminder([wang, other, wang], channels=("inapp", "sms")) == 2
    assert sorted(m.mobile for m in fake_sms.messages) == ["13700000000", "13912345678"]
    assert Notification.objects.count() == 2


def test_deliver_to_a_contact_without_account(
    fake_sms, street_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = deliver(
            "sms",
            "+86 139-0000-1111",
            kind="portal.invitation",
            subject="邀请",
            body="邀请码 ABC",
            related=street_a,
        )
        landline = deliver(
            "sms", "010-65001234", kind="portal.invitation", subject="邀请", body="…"
        )

    assert [m.mobile for m in fake_sms.messages] == ["13900001111"]
    sent.refresh_from_db()
    assert (sent.status, sent.address) == (Status.SENT, "13900001111")
    assert list(Delivery.objects.for_object(street_a)) == [sent]
    landline.refresh_from_db()
    assert (landline.status, landline.error) == (Status.SKIPPED, Reason.INVALID_ADDRESS)
    assert landline.address == "010-65001234"  # kept, so staff can see what was wrong


def test_a_delivery_is_never_sent_twice(wang, fake_sms, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reminder([wang], channels=("sms",))
    delivery = Delivery.objects.get()
    sending.enqueue([delivery.pk, delivery.pk])
    expire_retries()
    sending.retry_due()
    assert len(fake_sms.messages) == 1
    delivery.refresh_from_db()
    assert delivery.attempts == 1


def test_sweep_sends_what_was_never_enqueued(wang, fake_sms):
    # No on-commit callbacks run here: as if the process died right after commit.
    reminder([wang], channels=("sms",))
    assert Delivery.objects.get().status == Status.QUEUED
    assert sending.retry_due() == 0  # the first send gets its chance first

    expire_retries()
    assert sending.retry_due() == 1
    assert Delivery.objects.get().status == Status.SENT
    assert len(fake_sms.messages) == 1


def test_sweep_is_scheduled():
    names = {s.name: s for s in all_schedules()}
    assert names["core.notify_retry"].every == timedelta(minutes=5)


def test_email_uses_the_configured_account_and_links_back(
    wang, fake_smtp, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = "mailer", "s3cret-pass"
    settings.DEFAULT_FROM_EMAIL = "fic@example.gov.cn"
    settings.NOTIFY_SITE_URL = "https://fic.example.gov.cn/"
    with django_capture_on_commit_callbacks(execute=True):
        reminder([wang], channels=("email",), url="/filings/7/")

    [mail] = fake_smtp.messages
    assert mail.login == "mailer"
    assert mail.sender == "fic@example.gov.cn"
    assert mail.body.rstrip().endswith("https://fic.example.gov.cn/filings/7/")


class RecordingAdapter:
    sent: list[dict] = []

    def configured(self) -> bool:
        return True

    def send(self, **message) -> None:
        self.sent.append(message)


def test_a_vendor_adapter_replaces_ours_by_setting(
    wang, settings, django_capture_on_commit_callbacks
):
    settings.NOTIFY_SMS_ADAPTER = f"{__name__}.RecordingAdapter"
    RecordingAdapter.sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reminder([wang], channels=("sms",))
    assert [m["address"] for m in RecordingAdapter.sent] == ["13912345678"]
    assert Delivery.objects.get().status == Status.SENT


def test_bad_arguments_are_refused(wang):
    with pytest.raises(ValueError):
        reminder([wang], channels=("fax",))
    with pytest.raises(ValueError):
        reminder([wang], url="https://evil.example/")
    with pytest.raises(ValueError):
        reminder([wang], url="//evil.example/")
    with pytest.raises(ValueError):
        deliver("inapp", "x", kind="k", subject="s", body="b")
    assert not Notification.objects.exists()
