"""Who is asking, from where: the request facts that audit events and logs need.

Services are called from views, tasks and commands alike; rather than thread a
request through every call, the middleware puts these facts in a context variable.
"""

import contextvars
import ipaddress
import logging
import uuid
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip: str | None = None
    user_agent: str = ""


_EMPTY = RequestContext()
_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar("request_context")


def current() -> RequestContext:
    return _current.get(_EMPTY)


def set_current(ctx: RequestContext) -> contextvars.Token:
    return _current.set(ctx)


def reset(token: contextvars.Token) -> None:
    _current.reset(token)


def new_request_id() -> str:
    return uuid.uuid4().hex[:16]


def client_ip(meta) -> str | None:
    """The client's address, reading X-Forwarded-For only through trusted proxies.

    With TRUSTED_PROXY_COUNT = n, the n-th address from the right of
    X-Forwarded-For is the one the outermost trusted proxy saw; anything further
    left was written by the client and cannot be trusted.
    """
    remote = _valid_ip(meta.get("REMOTE_ADDR"))
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [p.strip() for p in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
    if len(forwarded) >= count:
        # A malformed entry must not reach the audit log (or crash an inet column).
        return _valid_ip(forwarded[-count]) or remote
    return remote


def _valid_ip(value) -> str | None:
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def client_ip_for_axes(request) -> str | None:
    return client_ip(request.META)


class RequestIdLogFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current().request_id or "-"
        return True
