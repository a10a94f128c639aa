"""Issuing certificates. A member has one current certificate; issuing again (a lost card, a
changed name) replaces it, and the replaced one verifies as "replaced"."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from apps.audit.services import audit_record
from apps.members.models import Member
from apps.members.models_applications import Certificate

from . import codes, pdf

ISSUE = "members.issue_certificate"
APPROVE = "members.approve_application"


@transaction.atomic
def certificate_issue(*, actor, member: Member) -> Certificate:
    """A new current certificate for `member` (the previous one, if any, is replaced).

    Called by the admission (whose approver may issue it) and by staff with the
    permission to issue certificates."""
    if actor is not None and not (actor.has_perm(ISSUE) or actor.has_perm(APPROVE)):
        raise PermissionDenied
    locked = Member.objects.select_for_update().get(pk=member.pk)
    now = timezone.now()
    previous = list(
        Certificate.objects.select_for_update().filter(member=locked, replaced_at__isnull=True)
    )
    Certificate.objects.filter(pk__in=[c.pk for c in previous]).update(replaced_at=now)
    serial = (Certificate.objects.filter(member=locked).aggregate(m=Max("serial"))["m"] or 0) + 1
    certificate = Certificate.objects.create(
        member=locked,
        serial=serial,
        code=codes.make(member_id=locked.pk, number=locked.number, serial=serial),
        issued_on=timezone.localdate(),
        issued_by=actor,
    )
    audit_record(
        action="members.certificate.issue",
        actor=actor,
        obj=locked,
        changes={"certificate": [previous[0].serial if previous else None, serial]},
    )
    return certificate


def verify_path(code: str) -> str:
    return reverse("members:verify_code", args=[code])


def verify_url(code: str, request=None) -> str:
    """The address printed on the certificate: the site's own (NOTIFY_SITE_URL) when it is
    configured, otherwise the address the request came to."""
    path = verify_path(code)
    site = settings.NOTIFY_SITE_URL.rstrip("/")
    if site:
        return f"{site}{path}"
    return request.build_absolute_uri(path) if request is not None else path


def certificate_pdf(certificate: Certificate, *, request=None) -> bytes:
    member = certificate.member
    return pdf.render(
        pdf.CertificateData(
            federation=settings.FEDERATION_NAME,
            member_name=member.display_name,
            number=member.number,
            kind_label=str(member.get_kind_display()),
            join_date=member.join_date,
            issued_on=certificate.issued_on,
            code=codes.display(certificate.code),
            verify_url=verify_url(certificate.code, request),
        )
    )


def certificate_for_code(text: str) -> Certificate | None:
    code = codes.normalise(text)
    if len(code) != 16:
        return None
    return (
        Certificate.objects.filter(code=code)
        .select_related("member__enterprise", "member__chamber")
        .first()
    )
