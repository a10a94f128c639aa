import factory

from apps.accounts.models import Department, User, UserKind
from apps.core.scoping import ScopeKind

PASSWORD = "Correct-Horse-42"


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"部门{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    kind = UserKind.STAFF
    scope_kind = ScopeKind.DISTRICT
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if extracted:
            self.groups.set([r.group for r in extracted])

    @factory.post_generation
    def streets(self, create, extracted, **kwargs):
        if extracted:
            self.scope_streets.set(extracted)

    @factory.post_generation
    def chambers(self, create, extracted, **kwargs):
        if extracted:
            self.scope_chambers.set(extracted)
        self.save()
