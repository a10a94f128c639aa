import factory

from apps.registry.models import Chamber, DictionaryItem, Street


class StreetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Street
        django_get_or_create = ("code",)

    # Twelve characters like the real codes, in an "8xxxxx" block no real 街乡 uses, so a
    # long run (both databases, thousands of factories) neither overflows nor collides.
    code = factory.Sequence(lambda n: f"1101058{n % 100000:05d}")
    short_name = factory.Sequence(lambda n: f"街乡{n}")
    office_name = factory.LazyAttribute(lambda o: f"{o.short_name}街道办事处")
    kind = Street.Kind.SUBDISTRICT


class ChamberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Chamber

    name = factory.Sequence(lambda n: f"测试商会{n}")
    kind = Chamber.Kind.STREET
    street = factory.SubFactory(StreetFactory)


class DictionaryItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DictionaryItem

    kind = DictionaryItem.Kind.ENTERPRISE_TAG
    code = factory.Sequence(lambda n: f"tag{n}")
    label = factory.Sequence(lambda n: f"标签{n}")
