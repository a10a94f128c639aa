from django.db import models
from django.utils.translation import gettext_lazy as _

from .querysets import ChamberQuerySet, StreetQuerySet


class Street(models.Model):
    """街乡: one of the district's sub-district units (街道 or 地区), the unit of data scope."""

    class Kind(models.TextChoices):
        SUBDISTRICT = "街道", _("Subdistrict")
        AREA = "地区", _("Area")

    code = models.CharField(_("Statistical division code"), max_length=12, unique=True)
    short_name = models.CharField(_("Short name"), max_length=20, unique=True)
    office_name = models.CharField(_("Full name"), max_length=50)
    kind = models.CharField(_("Kind"), max_length=4, choices=Kind.choices)
    lon = models.DecimalField(_("Longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    lat = models.DecimalField(_("Latitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    objects = StreetQuerySet.as_manager()

    class Meta:
        verbose_name = _("Street")
        verbose_name_plural = _("Street")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.short_name


class Industry(models.Model):
    """国民经济行业: a node of GB/T 4754-2017 (门类 > 大类 > 中类 > 小类)."""

    class Level(models.IntegerChoices):
        SECTION = 1, _("Section")
        DIVISION = 2, _("Division")
        GROUP = 3, _("Group")
        CLASS = 4, _("Class")

    code = models.CharField(_("Code"), max_length=5, unique=True)
    level = models.PositiveSmallIntegerField(_("Level"), choices=Level.choices)
    name = models.CharField(_("Name"), max_length=100)
    section = models.CharField(_("Section"), max_length=1, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("Parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )

    class Meta:
        verbose_name = _("Industry")
        verbose_name_plural = _("Industry")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def division_code(self) -> str:
        return "" if self.level == self.Level.SECTION else self.code[:2]


class SizeThreshold(models.Model):
    """企业规模划分标准 (2017): lower bounds of one indicator for one industry group."""

    class Indicator(models.TextChoices):
        REVENUE = "revenue", _("Revenue")
        EMPLOYEES = "employees", _("Employees")
        TOTAL_ASSETS = "total_assets", _("Total assets")

    group = models.CharField(_("Industry group"), max_length=50)
    scope_text = models.CharField(_("Industries covered"), max_length=200)
    # Industry code prefixes covered and excluded, parsed from scope_text when loaded.
    include_prefixes = models.JSONField(_("Included industry codes"), default=list)
    exclude_prefixes = models.JSONField(_("Excluded industry codes"), default=list)
    indicator = models.CharField(_("Indicator"), max_length=20, choices=Indicator.choices)
    unit = models.CharField(_("Unit"), max_length=10)
    large_min = models.DecimalField(_("Large lower bound"), max_digits=12, decimal_places=2)
    medium_min = models.DecimalField(_("Medium lower bound"), max_digits=12, decimal_places=2)
    small_min = models.DecimalField(_("Small lower bound"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("Size threshold")
        verbose_name_plural = _("Size threshold")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["group", "indicator"], name="size_threshold_unique")
        ]

    def __str__(self) -> str:
        return f"{self.group} {self.get_indicator_display()}"


class Chamber(models.Model):
    """商会: a chamber of commerce under the FIC (industry, street or out-of-town)."""

    class Kind(models.TextChoices):
        INDUSTRY = "industry", _("Industry chamber")
        STREET = "street", _("Street chamber")
        OUT_OF_TOWN = "out_of_town", _("Out-of-town chamber")

    name = models.CharField(_("Name"), max_length=100, unique=True)
    kind = models.CharField(_("Kind"), max_length=20, choices=Kind.choices)
    street = models.ForeignKey(
        Street,
        verbose_name=_("Street"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chambers",
    )
    founded = models.DateField(_("Founded"), null=True, blank=True)
    active = models.BooleanField(_("Active"), default=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = ChamberQuerySet.as_manager()

    class Meta:
        verbose_name = _("Chamber")
        verbose_name_plural = _("Chamber")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DictionaryItem(models.Model):
    """数据字典项: an editable choice (enterprise tag, member post, affiliation, 民族)."""

    class Kind(models.TextChoices):
        ENTERPRISE_TAG = "enterprise_tag", _("Enterprise tag")
        MEMBER_POST = "member_post", _("Member post")
        POLITICAL_AFFILIATION = "political_affiliation", _("Political affiliation")
        ETHNICITY = "ethnicity", _("Ethnicity")

    kind = models.CharField(_("Dictionary"), max_length=30, choices=Kind.choices, db_index=True)
    code = models.CharField(_("Code"), max_length=30)
    label = models.CharField(_("Name"), max_length=50)
    order = models.PositiveIntegerField(_("Order"), default=0)
    active = models.BooleanField(_("Enabled"), default=True)

    class Meta:
        verbose_name = _("Dictionary item")
        verbose_name_plural = _("Dictionary item")
        ordering = ["kind", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "code"], name="dictionary_unique_code"),
            models.UniqueConstraint(fields=["kind", "label"], name="dictionary_unique_label"),
        ]

    def __str__(self) -> str:
        return self.label
