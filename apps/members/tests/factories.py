from datetime import date

import factory

from apps.enterprises.tests.factories import EnterpriseFactory
from apps.members.models import (
    DuesCharge,
    Member,
    MemberImport,
    MemberKind,
    MemberStatus,
    Post,
    PostHolding,
    Term,
)
from apps.registry.tests.factories import StreetFactory


class MemberFactory(factory.django.DjangoModelFactory):
    """A member row written directly (no service): numbers CYT00001…, full member."""

    class Meta:
        model = Member
        skip_postgeneration_save = True

    number = factory.Sequence(lambda n: f"CYT{n:05d}")
    kind = MemberKind.ENTERPRISE
    enterprise = factory.LazyAttribute(
        lambda o: EnterpriseFactory(street=o.street) if o.kind == MemberKind.ENTERPRISE else None
    )
    person_name = factory.LazyAttribute(lambda o: "张会员" if o.kind == MemberKind.PERSON else "")
    group_name = factory.LazyAttribute(lambda o: "某某协会" if o.kind == MemberKind.GROUP else "")
    street = factory.SubFactory(StreetFactory)
    join_date = date(2020, 3, 1)
    status = MemberStatus.ACTIVE
    status_date = factory.LazyAttribute(lambda o: o.join_date)

    @factory.post_generation
    def chambers(self, create, extracted, **kwargs):
        if extracted:
            self.chambers.set(extracted)


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term

    chamber = None
    number = factory.Sequence(lambda n: n + 1)
    start = date(2022, 1, 1)


class PostHoldingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PostHolding

    member = factory.SubFactory(MemberFactory)
    term = factory.SubFactory(TermFactory)
    post = Post.EXECUTIVE
    start = date(2022, 1, 1)


class DuesChargeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DuesCharge

    member = factory.SubFactory(MemberFactory)
    year = 2024
    amount = 1000
    paid = 0
    due_date = factory.LazyAttribute(lambda o: date(o.year, 3, 31))


def crawl_objects(*, street, chamber, user) -> dict[str, int]:
    """{url name: pk} for every member-database URL that takes one, for the no-500 crawl of
    apps/core/tests/test_no_server_errors.py."""
    member = MemberFactory(street=street, chambers=[chamber])
    holding = PostHoldingFactory(member=member)
    job = MemberImport.objects.create(
        status="validated",
        original_name="名册.xlsx",
        stored_path="imports/missing.xlsx",
        size=1,
        digest="0" * 64,
        created_by=user,
    )
    member_pages = ["detail", "update", "status", "post_assign", "payment_create"]
    chamber_pages = ["chamber_detail", "chamber_edit", "chamber_members", "activity_create"]
    import_pages = ["import_detail", "import_confirm", "import_abandon", "import_errors"]
    return {
        **{f"members:{name}": member.pk for name in member_pages},
        **{f"members:{name}": chamber.pk for name in chamber_pages},
        **{f"members:{name}": job.pk for name in import_pages},
        "members:post_end": holding.pk,
        "members:term_close": holding.term_id,
    }
