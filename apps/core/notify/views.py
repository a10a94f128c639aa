"""The user's inbox: their own notifications only, newest first."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apps.core.models import Notification

from . import badge, services

PER_PAGE = 20


@login_required
def inbox(request):
    mine = Notification.objects.filter(user=request.user)
    page = Paginator(mine.order_by("-created_at", "-pk"), PER_PAGE).get_page(
        request.GET.get("page")
    )
    unread = mine.filter(read_at__isnull=True).count()
    badge.remember(request.user.pk, unread)  # this page is exact: correct the badge too
    return render(request, "core/notifications.html", {"page_obj": page, "unread": unread})


@login_required
@require_POST
def open_notification(request, pk):
    # Someone else's notification answers 404, exactly like a missing one.
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    services.notification_mark_read(user=request.user, notification=notification)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    if services.notifications_mark_all_read(user=request.user):
        messages.success(request, _("All notifications are marked as read."))
    return redirect("notifications:inbox")
