"""Writes of the people database: validation, encryption, look-ups, evaluations, posts."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.core import crypto
from apps.members.tests.factories import MemberFactory, PostHoldingFactory, TermFactory
from apps.people import idcard, services
from apps.people.fields import Sealed
from apps.people.models import Affiliation, Gender, Person, plain

from .factories import EvaluationFactory, PersonFactory, id_number_for

pytestmark = pytest.mark.django_db

GOOD_ID = idcard.make("110105", date(1975, 3, 14), 1)  # 110105197503140019, a man


def create(actor=None, **overrides):
    fields = {
        "name": "赵新民",
        "gender": Gender.MALE,
        "ethnicity": "01",
        "birth_date": date(1975, 3, 14),
        "id_number": GOOD_ID,
        "affiliation": Affiliation.CNDCA,
        "mobile": "13912345678",
    }
    return services.person_create(actor=actor, **{**fields, **overrides})


def raw_row(person) -> tuple:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, id_number_index, mobile, mobile_index FROM people_person "
            "WHERE id = %s",
            [person.pk],
        )
        return cursor.fetchone()


# --- ID numbers ----------------------------------------------------------------------


def test_a_valid_id_number_gives_birth_date_and_gender():
    with_x = next(
        n
        for n in (idcard.make("110105", date(1980, 8, 8), s) for s in range(2, 999, 2))
        if n.endswith("X")
    )
    info = idcard.parse(with_x.lower()[:6] + " " + with_x.lower()[6:])
    assert info.number == with_x
    assert info.gender == Gender.FEMALE
    assert idcard.parse(GOOD_ID).birth_date == date(1975, 3, 14)
    assert idcard.parse(GOOD_ID).gender == Gender.MALE


def test_an_id_number_with_a_wrong_check_character_is_refused():
    wrong = GOOD_ID[:-1] + ("1" if GOOD_ID[-1] != "1" else "2")
    with pytest.raises(ValidationError) as error:
        create(id_number=wrong)
    assert error.value.error_dict["id_number"][0].code == "id_check"
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    "number", ["110105197502300011", "110105207501010017", "110105189901010014"]
)
def test_an_impossible_birth_date_in_the_id_number_is_refused(number):
    first17 = number[:17]
    with pytest.raises(ValidationError) as error:
        create(id_number=first17 + idcard.check_character(first17))
    assert "id_number" in error.value.error_dict


def test_a_birth_date_that_disagrees_with_the_id_number_is_refused():
    with pytest.raises(ValidationError) as error:
        create(birth_date=date(1975, 3, 15))
    assert "birth_date" in error.value.error_dict
    assert "1975-03-14" in error.value.error_dict["birth_date"][0].messages[0]


def test_a_gender_that_disagrees_with_the_id_number_is_refused():
    with pytest.raises(ValidationError) as error:
        create(gender=Gender.FEMALE)
    assert "gender" in error.value.error_dict


@pytest.mark.parametrize("mobile", ["1391234567", "139123456789", "23912345678", "12345"])
def test_a_phone_of_the_wrong_length_is_refused(mobile):
    with pytest.raises(ValidationError) as error:
        create(mobile=mobile)
    assert "mobile" in error.value.error_dict
    assert not Person.objects.exists()


def test_the_same_id_number_twice_is_refused():
    create()
    with pytest.raises(ValidationError) as error:
        create(name="另一个人")
    assert "id_number" in error.value.error_dict
    assert Person.objects.count() == 1


# --- Encryption at rest ------------------------------------------------------------------


def test_id_number_and_mobile_are_ciphertext_in_the_row(district_admin):
    person = create(actor=district_admin)
    id_token, id_index, mobile_token, mobile_index = raw_row(person)
    assert GOOD_ID not in id_token and "13912345678" not in mobile_token
    assert crypto.token_key_id(id_token) == "t1"
    assert id_index.startswith("ti1$") and mobile_index.startswith("ti1$")
    loaded = Person.objects.get(pk=person.pk)
    assert isinstance(loaded.id_number, Sealed)
    assert loaded.id_number_masked == "110105********0019"
    assert loaded.mobile_masked == "139****5678"
    assert str(loaded.id_number) == "110105********0019"  # printed by mistake: masked
    assert plain(loaded.id_number) == GOOD_ID


def test_loading_people_decrypts_nothing():
    PersonFactory.create_batch(5)
    provider = crypto.provider()
    before = provider.decryptions
    people = list(Person.objects.all())
    assert len(people) == 5
    assert provider.decryptions == before
    people[0].mobile_masked  # noqa: B018
    assert provider.decryptions == before + 1


def test_exact_lookups_go_through_the_blind_index():
    person = create()
    provider = crypto.provider()
    before = provider.decryptions
    assert services.find_by_id_number(GOOD_ID.lower()) == person
    assert list(services.find_by_mobile("139-1234-5678")) == [person]
    assert services.find_by_id_number(id_number_for(99)) is None
    assert provider.decryptions == before


def test_filtering_on_an_encrypted_column_is_refused():
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError):
        Person.objects.filter(id_number=GOOD_ID).count()


def test_the_audit_log_never_holds_the_values(district_admin):
    person = create(actor=district_admin)
    services.person_update(
        actor=district_admin, person=person, version=person.version, mobile="13800001111"
    )
    events = AuditEvent.objects.filter(object_type="people.person")
    text = str(list(events.values_list("changes", "message")))
    assert GOOD_ID not in text and "13912345678" not in text and "13800001111" not in text
    update = events.get(action="person.update")
    assert update.changes["mobile"] == ["***", "***"]


# --- Updates -------------------------------------------------------------------------


def test_an_edit_on_an_old_version_is_a_conflict_and_changes_nothing(district_admin):
    person = create(actor=district_admin)
    services.person_update(actor=district_admin, person=person, version=1, title="高级经济师")
    with pytest.raises(services.EditConflict):
        services.person_update(actor=district_admin, person=person, version=1, title="律师")
    assert Person.objects.get(pk=person.pk).title == "高级经济师"


def test_an_edit_keeps_the_id_number_unless_a_new_one_is_given(district_admin):
    person = create(actor=district_admin)
    updated = services.person_update(actor=district_admin, person=person, version=1, name="赵新明")
    assert plain(updated.id_number) == GOOD_ID
    assert updated.name_initials == "zxm"
    other = idcard.make("110108", date(1975, 3, 14), 3)
    updated = services.person_update(
        actor=district_admin, person=person, version=updated.version, id_number=other
    )
    assert services.find_by_id_number(other) == updated
    assert services.find_by_id_number(GOOD_ID) is None


def test_changing_the_birth_date_alone_is_checked_against_the_stored_id(district_admin):
    person = create(actor=district_admin)
    with pytest.raises(ValidationError) as error:
        services.person_update(
            actor=district_admin, person=person, version=1, birth_date=date(1980, 1, 1)
        )
    assert "birth_date" in error.value.error_dict


def test_removing_the_mobile(district_admin):
    person = create(actor=district_admin)
    updated = services.person_update(actor=district_admin, person=person, version=1, mobile="")
    assert updated.mobile == "" and updated.mobile_index == ""


# --- Evaluations ---------------------------------------------------------------------


def test_an_evaluation_is_valid_three_years():
    assert services.evaluation_valid_until(date(2023, 5, 10)) == date(2026, 5, 9)
    assert services.evaluation_valid_until(date(2024, 2, 29)) == date(2027, 2, 27)


def test_eligibility_follows_the_latest_evaluation(person):
    today = timezone.localdate()
    qs = Person.objects.with_evaluation()
    assert qs.evaluation_status("ineligible", today, 90).filter(pk=person.pk).exists()
    EvaluationFactory(person=person, evaluated_on=today - timedelta(days=3 * 365 + 40))
    assert qs.evaluation_status("expired", today, 90).filter(pk=person.pk).exists()
    services.evaluation_add(
        actor=None,
        person=person,
        grade="B",
        evaluated_on=today - timedelta(days=3 * 365 - 30),
        body="区委统战部",
    )
    assert qs.evaluation_status("expiring", today, 90).filter(pk=person.pk).exists()
    assert qs.evaluation_status("eligible", today, 90).filter(pk=person.pk).exists()


def test_an_evaluation_in_the_future_is_refused(person):
    with pytest.raises(ValidationError):
        services.evaluation_add(
            actor=None,
            person=person,
            grade="A",
            evaluated_on=timezone.localdate() + timedelta(days=1),
            body="区委统战部",
        )


# --- Posts come from the member database ------------------------------------------------


def test_posts_are_the_linked_member_records(district_admin, person, street_a):
    from apps.members.selectors import current_posts_by_person, posts_of_person

    member = MemberFactory(street=street_a)
    PostHoldingFactory(member=member, term=TermFactory(number=12), start=date(2022, 1, 1))
    services.person_member_link(actor=district_admin, person=person, member=member)
    member.refresh_from_db()
    assert member.person_ref == person.pk
    posts = posts_of_person(district_admin, person.pk)
    assert [h.member_id for h in posts] == [member.pk]
    current = current_posts_by_person(district_admin, [person.pk], timezone.localdate())
    assert current[person.pk] == ["工商联执委"] or len(current[person.pk]) == 1
    other = PersonFactory()
    with pytest.raises(ValidationError):
        services.person_member_link(actor=district_admin, person=other, member=member)
    services.person_member_unlink(actor=district_admin, person=person, member=member)
    assert posts_of_person(district_admin, person.pk) == []
