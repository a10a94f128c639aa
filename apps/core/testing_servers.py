"""Local fake SMS gateway and SMTP server for tests, and the fixtures that use them.

    def test_reminder(fake_sms, fake_smtp, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            notify([user], kind="x", subject="…", body="…", channels=("sms", "email"))
        assert fake_sms.messages[0].mobile == user.mobile
        assert fake_smtp.messages[0].subject == "…"

Each fixture starts its server on a free port of 127.0.0.1, points the settings
at it and stops it after the test. `fake_sms.fail_with = 500` (or
`fake_smtp.fail_with = 554`) makes every following message fail; `= None`
makes them succeed again. The root conftest re-exports the fixtures as
`fake_sms` and `fake_smtp`.
"""

import base64
import email
import json
import socketserver
import threading
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

HOST = "127.0.0.1"
SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"


# --- SMS ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceivedSms:
    payload: dict
    headers: dict

    @property
    def mobile(self) -> str:
        return self.payload.get("mobile", "")

    @property
    def content(self) -> str:
        return self.payload.get("content", "")


class _SmsHandler(BaseHTTPRequestHandler):
    server: "_SmsHTTPServer"

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        fake = self.server.fake
        status = fake.fail_with
        with fake.lock:
            fake.requests += 1
            if status is None:
                fake.messages.append(
                    ReceivedSms(payload=json.loads(raw or b"{}"), headers=dict(self.headers))
                )
        status = status or 200
        answer = json.dumps({"ok": status < 300}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format, *args):  # quiet test output
        pass


class _SmsHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    fake: "FakeSmsServer"


@dataclass
class FakeSmsServer:
    """Records every JSON POST it accepts; answers `fail_with` (e.g. 500) when set."""

    fail_with: int | None = None
    messages: list[ReceivedSms] = field(default_factory=list)
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __enter__(self) -> "FakeSmsServer":
        self._server = _SmsHTTPServer((HOST, 0), _SmsHandler)
        self._server.fake = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/sms/send"


# --- SMTP -----------------------------------------------------------------------


@dataclass(frozen=True)
class ReceivedMail:
    sender: str
    recipients: list[str]
    message: EmailMessage
    login: str = ""

    @property
    def subject(self) -> str:
        return str(self.message["Subject"] or "")

    @property
    def body(self) -> str:
        part = self.message.get_body(preferencelist=("plain",))
        return part.get_content() if part is not None else ""

    @property
    def attachments(self) -> dict[str, tuple[str, bytes]]:
        """File name -> (content type, content) of every attached file."""
        return {
            part.get_filename(): (part.get_content_type(), part.get_payload(decode=True))
            for part in self.message.iter_attachments()
        }


class _SmtpHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: EHLO, AUTH PLAIN, MAIL, RCPT, DATA, RSET, NOOP, QUIT."""

    server: "_SmtpTCPServer"

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        fake = self.server.fake
        sender, recipients, login = "", [], ""
        self.reply("220 fake-smtp ready")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command, _, argument = line.decode("utf-8", "replace").strip().partition(" ")
            verb = command.upper()
            if verb in {"EHLO", "HELO"}:
                self.wfile.write(b"250-fake-smtp\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n")
                self.reply("250 AUTH PLAIN")
            elif verb == "AUTH":
                _mechanism, _, token = argument.partition(" ")
                parts = base64.b64decode(token or "").split(b"\0")
                login = parts[1].decode() if len(parts) > 1 else ""
                self.reply("235 2.7.0 Authentication successful")
            elif verb == "MAIL":
                if fake.fail_with is not None:
                    with fake.lock:
                        fake.attempts += 1
                    self.reply(f"{fake.fail_with} 5.7.1 rejected by the fake server")
                    continue
                sender, recipients = argument.partition(":")[2].split()[0].strip("<>"), []
                self.reply("250 OK")
            elif verb == "RCPT":
                recipients.append(argument.partition(":")[2].split()[0].strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = bytearray()
                while True:
                    chunk = self.rfile.readline()
                    if chunk in {b".\r\n", b".\n", b""}:
                        break
                    data += chunk[1:] if chunk.startswith(b"..") else chunk
                message = email.message_from_bytes(bytes(data), policy=policy.default)
                with fake.lock:
                    fake.attempts += 1
                    fake.messages.append(
                        ReceivedMail(
                            sender=sender, recipients=recipients, message=message, login=login
                        )
                    )
                self.reply("250 OK: queued")
            elif verb in {"RSET", "NOOP"}:
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class _SmtpTCPServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: "FakeSmtpServer"


@dataclass
class FakeSmtpServer:
    """Records every message it accepts; refuses senders with `fail_with` (e.g. 554)."""

    fail_with: int | None = None
    messages: list[ReceivedMail] = field(default_factory=list)
    attempts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __enter__(self) -> "FakeSmtpServer":
        self._server = _SmtpTCPServer((HOST, 0), _SmtpHandler)
        self._server.fake = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    @property
    def port(self) -> int:
        return self._server.server_address[1]


# --- fixtures -------------------------------------------------------------------


@pytest.fixture
def fake_sms_server(settings):
    """A fake SMS gateway; NOTIFY_SMS_ENDPOINT and NOTIFY_SMS_TOKEN point at it."""
    with FakeSmsServer() as server:
        settings.NOTIFY_SMS_ENDPOINT = server.url
        settings.NOTIFY_SMS_TOKEN = "test-token"  # noqa: S105  (not a secret)
        settings.NOTIFY_SMS_TIMEOUT = 5
        yield server


@pytest.fixture
def fake_smtp_server(settings):
    """A fake SMTP server; Django's SMTP email backend points at it."""
    with FakeSmtpServer() as server:
        settings.EMAIL_BACKEND = SMTP_BACKEND
        settings.EMAIL_HOST = HOST
        settings.EMAIL_PORT = server.port
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_USE_SSL = False
        settings.EMAIL_TIMEOUT = 5
        yield server
