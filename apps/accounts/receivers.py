"""Authentication events from Django and django-axes go to the audit log.

These are signals because Django and axes emit them, not our own writes;
our own writes call audit services directly.
"""

import time

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from apps.audit.models import Result
from apps.audit.services import audit_record

from .middleware import SESSION_AUTH_AT, SESSION_SEEN_AT


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    now = time.time()
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_AUTH_AT] = now
        request.session[SESSION_SEEN_AT] = now
    audit_record(action="login", actor=user, obj=user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        audit_record(action="logout", actor=user, obj=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    user = get_user_model().objects.filter(username=username).first()
    audit_record(
        action="login_failed",
        actor=None,
        username=username,
        object_type="accounts.user" if user else "",
        object_id=str(user.pk) if user else "",
        object_repr=username,
        result=Result.FAILURE,
    )


@receiver(user_locked_out)
def on_locked_out(sender, request, username, ip_address, **kwargs):
    user = get_user_model().objects.filter(username=username).first()
    audit_record(
        action="lockout",
        actor=None,
        username=username or "",
        object_type="accounts.user" if user else "",
        object_id=str(user.pk) if user else "",
        object_repr=username or "",
        result=Result.DENIED,
    )
