"""Demo data for the people database: a few dozen notable people (valid synthetic ID numbers
and mobiles, stored encrypted like real ones) leading demo enterprises, with political
arrangements, honours, training and comprehensive evaluations — some valid, some expiring
within 90 days, some expired, some never done — and, for the holders of the FIC's posts in
the demo member database, their member records linked so the posts show on their pages.
Also a 统战人士查阅 account (`tongzhan`, records grade: everything masked; no password, an
administrator sets one). Running it again adds nothing.
"""

import random
from datetime import date, timedelta

from django.utils import timezone

from apps.accounts import roles
from apps.accounts.models import User, UserKind
from apps.core.demo import person_name
from apps.core.scoping import ScopeKind
from apps.enterprises.models import Enterprise
from apps.members.models import FIC_POSTS, Member, MemberKind, PostHolding

from . import idcard, services
from .models import (
    Affiliation,
    ArrangementKind,
    Education,
    Gender,
    Honour,
    Level,
    Person,
    PoliticalArrangement,
    Training,
)

COUNTS = {"small": 40, "district": 300}
REGIONS = ["110105", "110108", "110101", "110102", "110106", "130102", "370102", "320106"]
AFFILIATIONS = [
    (Affiliation.MASSES, 30),
    (Affiliation.NON_PARTY, 15),
    (Affiliation.CPC, 15),
    (Affiliation.CNDCA, 14),
    (Affiliation.CDL, 6),
    (Affiliation.CAPD, 5),
    (Affiliation.RCCK, 3),
    (Affiliation.CPWDP, 3),
    (Affiliation.CZGP, 3),
    (Affiliation.JIUSAN, 4),
    (Affiliation.TDSGL, 2),
]
EDUCATIONS = [Education.DOCTORATE, Education.MASTER, Education.MASTER, Education.BACHELOR]
EDUCATIONS += [Education.BACHELOR, Education.BACHELOR, Education.COLLEGE]
TITLES = ["", "", "高级经济师", "高级工程师", "正高级工程师", "注册会计师", "律师"]
POSITIONS = ["董事长", "董事长兼总经理", "总经理", "执行董事", "创始人、首席执行官"]
TAGS = ["金融", "数字经济", "人工智能", "现代服务业", "文化创意", "法律", "国际贸易"]
TAGS += ["科技创新", "医药健康", "新能源"]
HONOURS = [
    ("优秀中国特色社会主义事业建设者", "中央统战部等"),
    ("北京市优秀民营企业家", "北京市工商联"),
    ("朝阳区劳动模范", "朝阳区人民政府"),
    ("朝阳区光彩事业贡献奖", "朝阳区工商联"),
]
COURSES = [
    ("民营经济代表人士理想信念教育培训班", "区委统战部"),
    ("非公有制经济人士培训班", "区社会主义学院"),
    ("新生代企业家研修班", "北京市工商联"),
]
BODIES = ["区委统战部", "区委统战部、区工商联", "区工商联党组"]


def _mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}"


def seed(*, scale: str, rng: random.Random) -> dict[str, int]:
    if Person.objects.exists():
        return {"people": 0}
    local = random.Random(rng.getrandbits(64))
    staff = User.objects.filter(username="staff").first()
    today = timezone.localdate()
    target = COUNTS.get(scale, COUNTS["small"])
    # The holders of the FIC's posts today lead the first people (so their posts show).
    holders = list(
        PostHolding.objects.current_on(today)
        .filter(post__in=FIC_POSTS, member__kind=MemberKind.ENTERPRISE)
        .select_related("member", "member__enterprise")
        .order_by("post", "id")[: target // 3]
    )
    linked_members = [h.member for h in holders]
    seen_members = set()
    members = [m for m in linked_members if not (m.pk in seen_members or seen_members.add(m.pk))]
    others = list(
        Enterprise.objects.exclude(pk__in=[m.enterprise_id for m in members]).order_by("?")[:target]
    )
    people = evaluations = arrangements = links = 0
    used_ids: set[str] = set()
    for n in range(target):
        member = members[n] if n < len(members) else None
        enterprise = member.enterprise if member else (others[n] if n < len(others) else None)
        person = _person(local, n, enterprise, used_ids, staff)
        people += 1
        if member is not None and not member.person_ref:
            services.person_member_link(
                actor=staff, person=person, member=Member.objects.get(pk=member.pk)
            )
            links += 1
        arrangements += _arrangements(local, person)
        evaluations += _evaluation(local, person, n, today, staff)
        _extras(local, person)
    return {
        "people": people,
        "arrangements": arrangements,
        "evaluations": evaluations,
        "member_links": links,
        "reader_accounts": _reader_account(),
    }


def _person(local: random.Random, n: int, enterprise, used_ids: set[str], staff) -> Person:
    gender = Gender.MALE if local.random() < 0.78 else Gender.FEMALE
    born = date(local.randint(1956, 1992), local.randint(1, 12), local.randint(1, 28))
    while True:
        sequence = local.randrange(1 if gender == Gender.MALE else 2, 999, 2)
        number = idcard.make(local.choice(REGIONS), born, sequence)
        if number not in used_ids:
            used_ids.add(number)
            break
    codes = [code for code, _w in AFFILIATIONS]
    weights = [w for _c, w in AFFILIATIONS]
    tags = local.sample(TAGS, local.choice([0, 1, 1, 2, 3]))
    ethnicity = "01" if local.random() < 0.9 else local.choice(["03", "08", "11", "10", "02"])
    return services.person_create(
        actor=staff,
        name=person_name(local),
        gender=gender,
        ethnicity=ethnicity,
        birth_date=born,
        id_number=number,
        affiliation=local.choices(codes, weights)[0],
        mobile=_mobile(local) if local.random() < 0.95 else "",
        education=local.choice(EDUCATIONS),
        title=local.choice(TITLES),
        enterprise=enterprise,
        position=local.choice(POSITIONS) if enterprise else "",
        notes="",
        tags=tags,
    )


def _arrangements(local: random.Random, person: Person) -> int:
    count = 0
    roll = local.random()
    if roll < 0.35:
        services.part_save(
            actor=None,
            person=person,
            model=PoliticalArrangement,
            kind=ArrangementKind.CPPCC,
            level=Level.DISTRICT,
            term_number=15,
            start=date(2021, 12, 20),
        )
        count += 1
    elif roll < 0.55:
        services.part_save(
            actor=None,
            person=person,
            model=PoliticalArrangement,
            kind=ArrangementKind.NPC,
            level=Level.DISTRICT,
            term_number=17,
            start=date(2021, 12, 18),
        )
        count += 1
    if local.random() < 0.08:
        services.part_save(
            actor=None,
            person=person,
            model=PoliticalArrangement,
            kind=local.choice([ArrangementKind.CPPCC, ArrangementKind.NPC]),
            level=Level.MUNICIPAL,
            term_number=14 if local.random() < 0.5 else 16,
            start=date(2023, 1, 15),
        )
        count += 1
    if local.random() < 0.15:
        # A seat of an earlier term: history on the person's page.
        services.part_save(
            actor=None,
            person=person,
            model=PoliticalArrangement,
            kind=ArrangementKind.CPPCC,
            level=Level.DISTRICT,
            term_number=14,
            start=date(2016, 12, 20),
            end=date(2021, 12, 19),
        )
        count += 1
    return count


def _evaluation(local: random.Random, person: Person, n: int, today: date, staff) -> int:
    """Every fifth person has none; every fourth one expires within 90 days; a few expired."""
    if n % 5 == 4:
        return 0
    if n % 4 == 1:
        # Valid until 10–80 days from now.
        until = today + timedelta(days=local.randint(10, 80))
        evaluated = until.replace(year=until.year - 3) + timedelta(days=1)
    elif n % 7 == 3:
        evaluated = today - timedelta(days=local.randint(3 * 365 + 30, 5 * 365))
    else:
        evaluated = today - timedelta(days=local.randint(30, 2 * 365))
    services.evaluation_add(
        actor=staff,
        person=person,
        grade=local.choices(["A", "B", "C"], [5, 4, 1])[0],
        evaluated_on=evaluated,
        body=local.choice(BODIES),
    )
    return 1


def _extras(local: random.Random, person: Person) -> None:
    if local.random() < 0.3:
        title, by = local.choice(HONOURS)
        services.part_save(
            actor=None,
            person=person,
            model=Honour,
            title=title,
            awarded_by=by,
            awarded_on=date(local.randint(2015, 2024), local.randint(1, 12), 1),
        )
    if local.random() < 0.4:
        title, organiser = local.choice(COURSES)
        start = date(local.randint(2019, 2025), local.randint(3, 11), local.randint(1, 20))
        services.part_save(
            actor=None,
            person=person,
            model=Training,
            title=title,
            organiser=organiser,
            start=start,
            end=start + timedelta(days=4),
        )


def _reader_account() -> int:
    if User.objects.filter(username="tongzhan").exists():
        return 0
    role = roles.ensure_builtin_roles()[roles.PEOPLE_READER]
    user = User(
        username="tongzhan",
        full_name="统战部 联络员",
        kind=UserKind.STAFF,
        scope_kind=ScopeKind.DISTRICT,
    )
    user.set_unusable_password()  # synthetic: an administrator resets it to use it
    user.save()
    user.groups.set([role.group])
    return 1
