import factory

from apps.accounts.models import UserKind
from apps.accounts.tests.factories import UserFactory
from apps.core.scoping import ScopeKind
from apps.portal.models import EnterpriseLink


class ApplicantFactory(UserFactory):
    """An enterprise account that registered and is not linked yet."""

    username = factory.Sequence(lambda n: f"applicant{n}")
    kind = UserKind.ENTERPRISE
    scope_kind = ScopeKind.ENTERPRISE
    scope_uscc = ""


class EnterpriseLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnterpriseLink

    user = factory.SubFactory(ApplicantFactory)
    uscc = factory.LazyAttribute(lambda o: o.enterprise.uscc if o.enterprise else "")
    name = factory.LazyAttribute(lambda o: o.enterprise.name if o.enterprise else "未知企业")
    registry_name = factory.LazyAttribute(lambda o: o.enterprise.name if o.enterprise else "")
    in_registry = factory.LazyAttribute(lambda o: o.enterprise is not None)
    street = factory.LazyAttribute(lambda o: o.enterprise.street if o.enterprise else None)
    contact_name = "张联系"
    mobile = "13912345678"

    class Params:
        enterprise = None
