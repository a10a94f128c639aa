"""Factories of the people database: valid ID numbers (check character computed), birth date
and gender agreeing with them, mobiles that look real."""

from datetime import date

import factory

from apps.people import idcard
from apps.people.models import (
    Affiliation,
    ArrangementKind,
    Evaluation,
    Gender,
    Honour,
    Level,
    Person,
    PoliticalArrangement,
    Training,
)
from apps.people.services import evaluation_valid_until


def id_number_for(n: int, *, born: date = date(1975, 3, 14), gender: str = Gender.MALE) -> str:
    # Odd sequence numbers are men's, even ones women's.
    sequence = (n % 499) * 2 + (1 if gender == Gender.MALE else 2)
    return idcard.make("110105", born, sequence)


class PersonFactory(factory.django.DjangoModelFactory):
    """A person saved through the model (fields encrypted by EncryptedField, no service)."""

    class Meta:
        model = Person
        skip_postgeneration_save = True

    class Params:
        seq = factory.Sequence(lambda n: n)

    name = factory.Sequence(lambda n: f"张{'三四五六七八九十'[n % 8]}{n}")
    name_initials = factory.LazyAttribute(lambda o: "zs")
    gender = Gender.MALE
    ethnicity = "01"
    birth_date = date(1975, 3, 14)
    id_number = factory.LazyAttribute(
        lambda o: id_number_for(o.seq, born=o.birth_date, gender=o.gender)
    )
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    affiliation = Affiliation.NON_PARTY

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if extracted:
            self.tags.set(extracted)


class ArrangementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PoliticalArrangement

    person = factory.SubFactory(PersonFactory)
    kind = ArrangementKind.CPPCC
    level = Level.DISTRICT
    term_number = 15
    start = date(2022, 1, 1)


class EvaluationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Evaluation

    person = factory.SubFactory(PersonFactory)
    grade = "A"
    evaluated_on = date(2024, 6, 1)
    body = "区委统战部"
    valid_until = factory.LazyAttribute(lambda o: evaluation_valid_until(o.evaluated_on))


class HonourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Honour

    person = factory.SubFactory(PersonFactory)
    title = "优秀中国特色社会主义事业建设者"
    awarded_by = "北京市委统战部"
    awarded_on = date(2021, 9, 1)


class TrainingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Training

    person = factory.SubFactory(PersonFactory)
    title = "民营经济代表人士培训班"
    organiser = "区委党校"
    start = date(2023, 4, 10)


def crawl_objects(*, user) -> dict[str, int]:
    """{url name: pk} for every people URL that takes one, for the no-500 crawl of
    apps/core/tests/test_no_server_errors.py."""
    from apps.people.models import PersonExport, PersonImport

    person = PersonFactory()
    arrangement = ArrangementFactory(person=person)
    honour = HonourFactory(person=person)
    training = TrainingFactory(person=person)
    evaluation = EvaluationFactory(person=person)
    export = PersonExport.objects.create(created_by=user, reason="核对材料", row_count=1)
    job = PersonImport.objects.create(
        status="validated",
        original_name="人员.xlsx",
        stored_path="imports/missing.xlsx",
        size=1,
        digest="0" * 64,
        created_by=user,
    )
    person_pages = [
        "detail",
        "update",
        "history",
        "reveal",
        "photo",
        "photo_edit",
        "arrangement_create",
        "honour_create",
        "training_create",
        "evaluation_create",
        "member_link",
        "member_unlink",
    ]
    export_pages = ["export_detail", "export_decide", "export_download"]
    import_pages = ["import_detail", "import_confirm", "import_abandon", "import_errors"]
    return {
        **{f"people:{name}": person.pk for name in person_pages},
        **{f"people:{name}": export.pk for name in export_pages},
        **{f"people:{name}": job.pk for name in import_pages},
        "people:arrangement_update": arrangement.pk,
        "people:arrangement_delete": arrangement.pk,
        "people:honour_delete": honour.pk,
        "people:training_delete": training.pk,
        "people:evaluation_delete": evaluation.pk,
    }
