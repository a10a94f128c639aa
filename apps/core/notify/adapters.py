"""The senders behind each channel, chosen by dotted path in settings.

NOTIFY_EMAIL_ADAPTER and NOTIFY_SMS_ADAPTER name a class with this interface; a
vendor's client (阿里云短信, 腾讯云短信, a government SMS platform …) replaces ours
by writing one class and changing the setting:

    class MyAdapter:
        def configured(self) -> bool: ...      # False: deliveries are skipped, not failed
        def send(self, *, address, subject, body, kind, reference) -> None: ...
                                               # raise DeliveryFailed on any failure

An email adapter that can send files also accepts `attachments` (a list of
{"name", "path", "content_type"}: files in the default storage); it is passed only
for deliveries that have some, so adapters written without it keep working.

`send` runs in the background task, outside any transaction; it must not retry by
itself (apps.core.notify.sending does, with backoff) and must time out.
"""

import json
import smtplib
import urllib.error
import urllib.request
from collections.abc import Sequence
from functools import cache
from typing import Protocol
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage
from django.utils.module_loading import import_string

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


class DeliveryFailed(Exception):
    """The gateway refused the message or could not be reached; the send is retried."""


class Adapter(Protocol):
    def configured(self) -> bool: ...

    def send(self, *, address: str, subject: str, body: str, kind: str, reference: str) -> None: ...


class DjangoEmailAdapter:
    """Mail through Django's email machinery (EMAIL_HOST, EMAIL_PORT, EMAIL_USE_TLS …)."""

    def configured(self) -> bool:
        # Another backend (console, file, the test outbox) needs no host.
        return bool(settings.EMAIL_HOST) or settings.EMAIL_BACKEND != SMTP_BACKEND

    def send(
        self,
        *,
        address: str,
        subject: str,
        body: str,
        kind: str,
        reference: str,
        attachments: Sequence[dict] = (),
    ) -> None:
        message = EmailMessage(
            subject=subject,
            body=body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            headers={"X-FIC-Kind": kind, "X-FIC-Delivery": reference},
        )
        for attachment in attachments:
            message.attach(
                attachment["name"], read_attachment(attachment["path"]), attachment["content_type"]
            )
        try:
            message.send(fail_silently=False)
        except (smtplib.SMTPException, OSError) as error:
            raise DeliveryFailed(f"{type(error).__name__}: {error}") from error


def read_attachment(path: str) -> bytes:
    """The stored file of an attachment; a missing one fails the send (and is retried)."""
    try:
        with default_storage.open(path, "rb") as handle:
            return handle.read()
    except OSError as error:
        raise DeliveryFailed(f"attachment {path}: {type(error).__name__}") from error


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer we did not ask for: it counts as a failure."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class HttpJsonSmsAdapter:
    """SMS through an HTTP gateway: one JSON POST per message, bearer token, 2xx = accepted.

    POST NOTIFY_SMS_ENDPOINT
    Authorization: Bearer NOTIFY_SMS_TOKEN
    {"mobile": "13912345678", "sign": "【朝阳区工商联】",
     "content": "【朝阳区工商联】…", "kind": "filings.reminder", "reference": "delivery-42"}
    """

    def configured(self) -> bool:
        return bool(settings.NOTIFY_SMS_ENDPOINT)

    def send(self, *, address: str, subject: str, body: str, kind: str, reference: str) -> None:
        endpoint = settings.NOTIFY_SMS_ENDPOINT
        if urlsplit(endpoint).scheme not in {"http", "https"}:
            raise DeliveryFailed("NOTIFY_SMS_ENDPOINT must be an http(s) URL")
        sign = settings.NOTIFY_SMS_SIGN
        payload = {
            "mobile": address,
            "sign": sign,
            "content": f"{sign}{body or subject}",
            "kind": kind,
            "reference": reference,
        }
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if settings.NOTIFY_SMS_TOKEN:
            headers["Authorization"] = f"Bearer {settings.NOTIFY_SMS_TOKEN}"
        request = urllib.request.Request(  # noqa: S310  (scheme checked above; set by the operator)
            endpoint,
            data=json.dumps(payload, ensure_ascii=False).encode(),
            headers=headers,
            method="POST",
        )
        opener = urllib.request.build_opener(_NoRedirects)
        try:
            with opener.open(request, timeout=settings.NOTIFY_SMS_TIMEOUT) as response:
                status = response.status
                answer = response.read(2000)
        except urllib.error.HTTPError as error:
            detail = error.read(200).decode(errors="replace")
            raise DeliveryFailed(f"HTTP {error.code}: {detail}".strip()) from error
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise DeliveryFailed(f"{type(error).__name__}: {reason}") from error
        if not 200 <= status < 300:
            detail = answer[:200].decode(errors="replace")
            raise DeliveryFailed(f"HTTP {status}: {detail}".strip())


@cache
def _adapter(path: str) -> Adapter:
    return import_string(path)()


def adapter_for(channel: str) -> Adapter:
    path = {"email": settings.NOTIFY_EMAIL_ADAPTER, "sms": settings.NOTIFY_SMS_ADAPTER}[channel]
    return _adapter(path)
