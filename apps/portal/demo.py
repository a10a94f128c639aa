"""Demo enterprise accounts: the `enterprise` persona's approved link, and two registrations
waiting for review (one in 建外 whose name differs from the database, one for a credit code
not in the database, which only FIC staff see). Running it again adds nothing."""

import random

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User, UserKind
from apps.core.demo import make_uscc, person_name
from apps.core.scoping import ScopeKind
from apps.enterprises.models import Enterprise

from .models import EnterpriseLink, LinkStatus

JIANWAI = "110105001000"
PENDING = [("demo_qiye_1", "jianwai"), ("demo_qiye_2", "unknown")]


def _mobile(rng: random.Random) -> str:
    return "1" + rng.choice("3456789") + "".join(rng.choice("0123456789") for _ in range(9))


def _persona_link() -> int:
    persona = User.objects.filter(username="enterprise", scope_kind=ScopeKind.ENTERPRISE).first()
    if persona is None or not persona.scope_uscc:
        return 0
    if EnterpriseLink.objects.filter(user=persona, status=LinkStatus.APPROVED).exists():
        return 0
    enterprise = Enterprise.objects.filter(uscc=persona.scope_uscc).first()
    EnterpriseLink.objects.create(
        user=persona,
        uscc=persona.scope_uscc,
        name=enterprise.name if enterprise else persona.full_name,
        registry_name=enterprise.name if enterprise else "",
        in_registry=enterprise is not None,
        street=enterprise.street if enterprise else None,
        contact_name=persona.full_name,
        mobile="13800000000",
        status=LinkStatus.APPROVED,
        decided_at=timezone.now(),
        reason="",
    )
    return 1


def _pending(username: str, where: str, rng: random.Random) -> int:
    if User.objects.filter(username=username).exists():
        return 0
    enterprise = None
    if where == "jianwai":
        taken = User.objects.exclude(scope_uscc="").values("scope_uscc")
        enterprise = (
            Enterprise.objects.filter(street__code=JIANWAI)
            .exclude(uscc__in=taken)
            .exclude(uscc__in=EnterpriseLink.objects.values("uscc"))
            .order_by("id")
            .first()
        )
        if enterprise is None:
            return 0
    contact = person_name(rng)
    user = User(
        username=username,
        full_name=contact,
        kind=UserKind.ENTERPRISE,
        scope_kind=ScopeKind.ENTERPRISE,
    )
    user.set_unusable_password()  # synthetic: an administrator resets it to use it
    user.save()
    if enterprise is not None:
        # Typed without the city prefix: the reviewer sees the name flagged.
        given = enterprise.name.removeprefix("北京市").removeprefix("北京")
        uscc, street = enterprise.uscc, enterprise.street
    else:
        uscc = make_uscc(rng)
        while Enterprise.objects.filter(uscc=uscc).exists():
            uscc = make_uscc(rng)
        given, street = "北京新注册示例科技有限公司", None
    EnterpriseLink.objects.create(
        user=user,
        uscc=uscc,
        name=given,
        registry_name=enterprise.name if enterprise else "",
        in_registry=enterprise is not None,
        street=street,
        contact_name=contact,
        mobile=_mobile(rng),
    )
    return 1


@transaction.atomic
def seed(*, scale: str, rng: random.Random) -> dict[str, int]:
    local = random.Random(rng.getrandbits(64))
    approved = _persona_link()
    pending = sum(_pending(username, where, local) for username, where in PENDING)
    return {"approved_links": approved, "pending_links": pending}
