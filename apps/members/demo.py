"""Demo data for the member database: a few hundred members admitted through member_create
(enterprises of the demo database, some associations and individuals), the FIC's current
term with its committees, two chambers (建外商会 and 朝外商会, where the street personas
work) with details, officers and activities, the dues table, three years of dues with some
arrears, and a chamber-staff account for 建外商会 (no password: an administrator sets one).

Running it again adds nothing.
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from apps.accounts import roles
from apps.accounts.models import User, UserKind
from apps.core.demo import person_name
from apps.core.scoping import ScopeKind
from apps.enterprises.models import Enterprise
from apps.registry.models import Chamber, Street

from . import dues, services
from .models import Member, MemberKind, MemberStatus, Post

COUNTS = {"small": 300, "district": 2000}
PERSONA_STREETS = ["110105001000", "110105002000"]  # 建外, 朝外
FIC_POSTS = [(Post.CHAIR, 1), (Post.VICE_CHAIR, 6), (Post.STANDING, 20), (Post.EXECUTIVE, 50)]
CHAMBER_POSTS = [
    (Post.PRESIDENT, 1),
    (Post.VICE_PRESIDENT, 3),
    (Post.SECRETARY_GENERAL, 1),
    (Post.DIRECTOR, 6),
]
RATES = {
    (MemberKind.ENTERPRISE, ""): Decimal("2000"),
    (MemberKind.GROUP, ""): Decimal("3000"),
    (MemberKind.PERSON, ""): Decimal("500"),
    (MemberKind.ENTERPRISE, Post.CHAIR): Decimal("50000"),
    (MemberKind.ENTERPRISE, Post.VICE_CHAIR): Decimal("30000"),
    (MemberKind.ENTERPRISE, Post.STANDING): Decimal("10000"),
    (MemberKind.ENTERPRISE, Post.EXECUTIVE): Decimal("5000"),
    (MemberKind.PERSON, Post.EXECUTIVE): Decimal("2000"),
}
ASSOCIATIONS = [
    "朝阳区软件行业协会",
    "朝阳区餐饮行业协会",
    "朝阳区文化创意产业协会",
    "朝阳区物流协会",
]
ACTIVITIES = [
    "会员企业座谈会",
    "政策宣讲会",
    "银企对接会",
    "新会员见面会",
    "企业走访调研",
    "法律服务进商会",
]
METHODS = ["transfer", "transfer", "transfer", "wechat", "cash"]


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max((end - start).days, 0)))


def seed(*, scale: str, rng: random.Random) -> dict[str, int]:
    if Member.objects.exists():
        return {"members": 0}
    staff = User.objects.filter(username="staff").first()
    streets = list(Street.objects.order_by("code"))
    if not streets:
        return {"members": 0}
    local = random.Random(rng.getrandbits(64))
    today = timezone.localdate()
    target = COUNTS.get(scale, COUNTS["small"])
    persona_streets = [s for s in streets if s.code in PERSONA_STREETS]
    chambers = {
        s.code: Chamber.objects.filter(name=f"{s.short_name}商会").first() for s in persona_streets
    }
    chambers = {code: c for code, c in chambers.items() if c is not None}

    # Enterprises: those of the persona streets first, then a sample of the others.
    near = list(Enterprise.objects.filter(street__code__in=PERSONA_STREETS).order_by("pk")[:400])
    near_count = min(len(near), target // 3)
    others = list(
        Enterprise.objects.exclude(street__code__in=PERSONA_STREETS)
        .order_by("pk")
        .values_list("pk", flat=True)[: target * 4]
    )
    picked = local.sample(near, near_count)
    wanted = int(target * 0.85) - len(picked)
    if wanted > 0 and others:
        ids = local.sample(others, min(wanted, len(others)))
        picked += list(Enterprise.objects.filter(pk__in=ids).select_related("street"))
    members: list[Member] = []
    for enterprise in picked:
        joined = _day(local, date(2005, 1, 1), today - timedelta(days=30))
        chamber = chambers.get(enterprise.street.code)
        members.append(
            services.member_create(
                actor=staff,
                kind=MemberKind.ENTERPRISE,
                street=enterprise.street,
                join_date=joined,
                enterprise=enterprise,
                chambers=[chamber] if chamber and local.random() < 0.7 else [],
                contact_name=person_name(local),
                contact_phone=f"139{local.randint(10000000, 99999999)}",
                directory_opt_in=local.random() < 0.4,
            )
        )
    for name in ASSOCIATIONS:
        members.append(
            services.member_create(
                actor=staff,
                kind=MemberKind.GROUP,
                street=local.choice(persona_streets or streets),
                join_date=_day(local, date(2010, 1, 1), today - timedelta(days=30)),
                group_name=name,
                contact_name=person_name(local),
                directory_opt_in=True,
            )
        )
    while len(members) < target:
        street = local.choice(persona_streets * 3 + streets)
        chamber = chambers.get(street.code)
        members.append(
            services.member_create(
                actor=staff,
                kind=MemberKind.PERSON,
                street=street,
                join_date=_day(local, date(2012, 1, 1), today - timedelta(days=30)),
                person_name=person_name(local),
                person_mobile=f"138{local.randint(10000000, 99999999)}",
                chambers=[chamber] if chamber and local.random() < 0.5 else [],
                directory_opt_in=local.random() < 0.3,
            )
        )

    left = _statuses(staff, members, local, today)
    posts = _fic_posts(staff, members, local, today)
    officers = sum(_chamber(staff, c, local, today) for c in chambers.values())
    paid, owing = _dues(staff, members, local, today)
    dues.lapse_flags_refresh(today)
    accounts = _chamber_staff(chambers)
    return {
        "members": len(members),
        "fic_posts": posts,
        "chamber_officers": officers,
        "payments": paid,
        "unpaid_years": owing,
        "left": left,
        "chamber_accounts": accounts,
    }


def _fic_posts(staff, members, rng: random.Random, today: date) -> int:
    start = date(today.year - 2, 1, 1)
    term = services.term_create(actor=staff, number=10, start=start)
    candidates = [
        m
        for m in members
        if m.kind != MemberKind.GROUP and m.join_date < start and m.status == MemberStatus.ACTIVE
    ]
    rng.shuffle(candidates)
    made = 0
    for post, count in FIC_POSTS:
        for member in candidates[made : made + count]:
            services.post_assign(actor=staff, member=member, term=term, post=post, start=start)
        made += count
    return min(made, len(candidates))


def _chamber(staff, chamber: Chamber, rng: random.Random, today: date) -> int:
    services.chamber_profile_save(
        actor=staff,
        chamber=chamber,
        registration_number=f"51110105MJ{rng.randint(1000000, 9999999)}X",
        registration_authority="北京市朝阳区民政局",
        registered_on=date(2008 + rng.randint(0, 8), rng.randint(1, 12), 1),
        supervisor="北京市朝阳区工商业联合会",
        address=f"北京市朝阳区{chamber.street.short_name if chamber.street else ''}街道办事处内",
        contact_name=person_name(rng),
        contact_phone=f"010-65{rng.randint(100000, 999999)}",
        introduction=f"{chamber.name}是在区工商联指导下由辖区民营企业组成的商会组织。",
    )
    start = date(today.year - 1, 6, 1)
    old = services.term_create(actor=staff, chamber=chamber, number=2, start=date(2019, 6, 1))
    term = services.term_create(actor=staff, chamber=chamber, number=3, start=start)
    members = list(
        Member.objects.filter(chambers=chamber, status=MemberStatus.ACTIVE, join_date__lt=start)
    )
    rng.shuffle(members)
    # The previous term's president: history that stays on the chamber's page.
    if len(members) > 20:
        services.post_assign(
            actor=staff, member=members[-1], term=old, post=Post.PRESIDENT, start=old.start
        )
    services.term_close(actor=staff, term=old, end=start - timedelta(days=1))
    made = 0
    for post, count in CHAMBER_POSTS:
        for member in members[made : made + count]:
            services.post_assign(actor=staff, member=member, term=term, post=post, start=start)
        made += count
    for title in rng.sample(ACTIVITIES, 4):
        names = [m.display_name for m in rng.sample(members, min(len(members), 6))]
        services.chamber_activity_create(
            actor=staff,
            chamber=chamber,
            date=_day(rng, date(today.year - 1, 1, 1), today),
            title=title,
            participants="、".join(names),
            participant_count=len(names) + rng.randint(5, 30),
        )
    return min(made, len(members))


def _dues(staff, members, rng: random.Random, today: date) -> tuple[int, int]:
    dues.dues_rates_save(actor=staff, rates=RATES)
    years = [today.year - 2, today.year - 1, today.year]
    for year in years:
        dues.dues_assess(year=year, today=date(year, 1, 1))
    paid = owing = 0
    for member in members:
        for charge in member.dues.filter(year__in=years).order_by("year"):
            due_passed = charge.due_date < today
            # Most pay; some fall behind (the older the year, the fewer).
            chance = 0.9 if charge.year < today.year - 1 else 0.85
            if not due_passed:
                chance = 0.4
            if rng.random() >= chance:
                owing += 1
                continue
            dues.dues_payment_record(
                actor=staff,
                member=member,
                year=charge.year,
                amount=charge.amount,
                paid_on=min(
                    _day(rng, max(date(charge.year, 1, 5), member.join_date), charge.due_date),
                    today,
                ),
                method=rng.choice(METHODS),
                receipt_number=f"HF{charge.year}{member.pk:06d}",
            )
            paid += 1
    return paid, owing


def _statuses(staff, members, rng: random.Random, today: date) -> int:
    changed = 0
    for member in rng.sample(members, len(members) // 15):
        member.refresh_from_db()
        on = _day(rng, max(member.join_date, today - timedelta(days=700)), today)
        if rng.random() < 0.5:
            services.member_status_change(
                actor=staff, member=member, status="suspended", on=on, reason="长期未参加活动"
            )
        else:
            status = "withdrawn" if rng.random() < 0.8 else "expelled"
            reason = "企业迁出本区，申请退会" if status == "withdrawn" else "严重违反章程"
            services.member_status_change(
                actor=staff, member=member, status=status, on=on, reason=reason
            )
        changed += 1
    return changed


def _chamber_staff(chambers: dict) -> int:
    chamber = chambers.get(PERSONA_STREETS[0])
    if chamber is None or User.objects.filter(username="chamber_jianwai").exists():
        return 0
    role = roles.ensure_builtin_roles()[roles.CHAMBER_STAFF]
    user = User(
        username="chamber_jianwai",
        full_name=f"{chamber.name} 秘书处",
        kind=UserKind.STAFF,
        scope_kind=ScopeKind.CHAMBERS,
    )
    user.set_unusable_password()  # synthetic: an administrator resets it to use it
    user.save()
    user.scope_chambers.set([chamber])
    user.groups.set([role.group])
    return 1
