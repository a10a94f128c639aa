from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.core.masking import mask_id_number, mask_phone
from apps.registry.loaders import ETHNICITIES

from .fields import BlindIndexField, EncryptedField, Sealed
from .querysets import OwnedQuerySet, PersonPartQuerySet, PersonQuerySet


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")


class Affiliation(models.TextChoices):
    """政治面貌 of a notable person, with the GB/T 4762 codes."""

    CPC = "01", _("Member of the Communist Party of China")
    RCCK = "04", _("Member of the Revolutionary Committee of the Chinese Kuomintang")
    CDL = "05", _("Member of the China Democratic League")
    CNDCA = "06", _("Member of the China National Democratic Construction Association")
    CAPD = "07", _("Member of the China Association for Promoting Democracy")
    CPWDP = "08", _("Member of the Chinese Peasants' and Workers' Democratic Party")
    CZGP = "09", _("Member of the China Zhi Gong Party")
    JIUSAN = "10", _("Member of the Jiusan Society")
    TDSGL = "11", _("Member of the Taiwan Democratic Self-Government League")
    NON_PARTY = "12", _("Non-party personage")
    MASSES = "13", _("Ordinary citizen")


# The eight democratic parties (民主党派), for the list filter "any democratic party".
DEMOCRATIC_PARTIES = tuple(code for code in Affiliation.values if "04" <= code <= "11")
# 民族: the 56 ethnic groups of GB 3304, the registry's reference list (code, name).
ETHNIC_GROUPS = list(ETHNICITIES)
ETHNIC_NAMES = dict(ETHNIC_GROUPS)


class Education(models.TextChoices):
    DOCTORATE = "doctorate", _("Doctoral degree")
    MASTER = "master", _("Master's degree")
    BACHELOR = "bachelor", _("Bachelor's degree")
    COLLEGE = "college", _("Junior college")
    SECONDARY = "secondary", _("Secondary school")
    BASIC = "basic", _("Junior middle school or below")


class TalentTag(models.Model):
    """人才标签: a field of expertise (金融, 人工智能 …) notable people are tagged with."""

    name = models.CharField(_("Tag"), max_length=30, unique=True)

    class Meta:
        verbose_name = _("Talent tag")
        verbose_name_plural = _("Talent tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """统战人士: a notable person of the private economy. ID number and mobile are SM4-GCM
    ciphertext (EncryptedField), found by their HMAC-SM3 blind indexes."""

    name = models.CharField(_("Name of person"), max_length=50)
    # Pinyin initials of the name, for the search box ("zs" finds 张三).
    name_initials = models.CharField(max_length=50, default="", editable=False, db_index=True)
    gender = models.CharField(_("Gender"), max_length=1, choices=Gender.choices)
    ethnicity = models.CharField(_("Ethnic group"), max_length=2, choices=ETHNIC_GROUPS)
    birth_date = models.DateField(_("Birth date"))
    id_number = EncryptedField(_("ID number"), mask=mask_id_number)
    id_number_index = BlindIndexField(source="id_number")
    mobile = EncryptedField(_("Mobile phone"), mask=mask_phone)
    mobile_index = BlindIndexField(source="mobile", db_index=True)
    affiliation = models.CharField(
        _("Political affiliation"), max_length=2, choices=Affiliation.choices
    )
    education = models.CharField(
        _("Education"), max_length=12, choices=Education.choices, blank=True
    )
    title = models.CharField(_("Professional title"), max_length=50, blank=True)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("Enterprise"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    position = models.CharField(_("Position in the enterprise"), max_length=50, blank=True)
    # A random name under MEDIA_ROOT/people/, served only by the permission-checked view.
    photo = models.CharField(_("Photo"), max_length=255, blank=True, editable=False)
    tags = models.ManyToManyField(
        TalentTag, verbose_name=_("Talent tags"), blank=True, related_name="people"
    )
    notes = models.TextField(_("Remarks"), max_length=2000, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(_("Created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Updated at"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("Notable person")
        verbose_name_plural = _("Notable people")
        ordering = ["name_initials", "name", "id"]
        permissions = [
            ("reveal_person", _("See full ID numbers and phones of people, giving a reason")),
            ("import_person", _("Import people")),
            ("export_person", _("Export people lists (masked)")),
            ("export_person_unmasked", _("Ask to export people lists unmasked")),
        ]
        constraints = [
            # One person per ID number: compared through the blind index.
            models.UniqueConstraint(
                fields=["id_number_index"],
                condition=~models.Q(id_number_index=""),
                name="person_id_number_once",
            )
        ]
        indexes = [models.Index(fields=["affiliation"], name="person_affiliation_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def id_number_masked(self) -> str:
        return _masked(self.id_number, mask_id_number)

    @property
    def mobile_masked(self) -> str:
        return _masked(self.mobile, mask_phone)

    @property
    def ethnicity_name(self) -> str:
        return ETHNIC_NAMES.get(self.ethnicity, "")

    @property
    def is_democratic_party(self) -> bool:
        return self.affiliation in DEMOCRATIC_PARTIES


def _masked(value, mask) -> str:
    if isinstance(value, Sealed):
        return value.masked()
    return mask(value) if value else ""


def plain(value) -> str:
    """The full value of an encrypted field (a decryption when it was read from the database).
    Only for code that needs it — validation, the reveal service, approved exports."""
    if isinstance(value, Sealed):
        return value.reveal()
    return value or ""


class ArrangementKind(models.TextChoices):
    NPC = "npc", _("People's congress deputy")
    CPPCC = "cppcc", _("CPPCC member")


class Level(models.TextChoices):
    NATIONAL = "national", _("National")
    MUNICIPAL = "municipal", _("Municipal")
    DISTRICT = "district", _("District")


class PoliticalArrangement(models.Model):
    """政治安排: a seat as 人大代表 or 政协委员 at a level, in a numbered term (届), with dates."""

    person = models.ForeignKey(
        Person, verbose_name=_("Person"), on_delete=models.CASCADE, related_name="arrangements"
    )
    kind = models.CharField(_("Arrangement"), max_length=8, choices=ArrangementKind.choices)
    level = models.CharField(_("Arrangement level"), max_length=10, choices=Level.choices)
    term_number = models.PositiveSmallIntegerField(_("Term (届)"))
    start = models.DateField(_("Start"))
    end = models.DateField(_("End"), null=True, blank=True)
    note = models.CharField(_("Remarks"), max_length=200, blank=True)

    objects = PersonPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("Political arrangement")
        verbose_name_plural = _("Political arrangements")
        ordering = ["person", "-start", "id"]
        indexes = [models.Index(fields=["kind", "level"], name="arrangement_kind_level_idx")]

    def __str__(self) -> str:
        return f"{self.get_level_display()}{self.get_kind_display()}"

    def clean(self) -> None:
        if self.end and self.end < self.start:
            raise ValidationError({"end": _("The end cannot be before the start.")})

    def is_current_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or self.end >= day)


class Honour(models.Model):
    """荣誉: an honour or award, who gave it and when."""

    person = models.ForeignKey(
        Person, verbose_name=_("Person"), on_delete=models.CASCADE, related_name="honours"
    )
    title = models.CharField(_("Honour"), max_length=100)
    awarded_by = models.CharField(_("Awarded by"), max_length=100, blank=True)
    awarded_on = models.DateField(_("Awarded on"))

    objects = PersonPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("Honour")
        verbose_name_plural = _("Honours")
        ordering = ["person", "-awarded_on", "id"]

    def __str__(self) -> str:
        return self.title


class Training(models.Model):
    """培训: a course or training programme the person attended."""

    person = models.ForeignKey(
        Person, verbose_name=_("Person"), on_delete=models.CASCADE, related_name="trainings"
    )
    title = models.CharField(_("Course"), max_length=100)
    organiser = models.CharField(_("Organiser"), max_length=100, blank=True)
    start = models.DateField(_("Start"))
    end = models.DateField(_("End"), null=True, blank=True)

    objects = PersonPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("Training")
        verbose_name_plural = _("Training")
        ordering = ["person", "-start", "id"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.end and self.end < self.start:
            raise ValidationError({"end": _("The end cannot be before the start.")})


class EvaluationGrade(models.TextChoices):
    A = "A", "A"
    B = "B", "B"
    C = "C", "C"


class Evaluation(models.Model):
    """综合评价: grade A/B/C given on a date by a body; valid for 3 years. Without a valid one a
    person cannot be nominated."""

    person = models.ForeignKey(
        Person, verbose_name=_("Person"), on_delete=models.CASCADE, related_name="evaluations"
    )
    grade = models.CharField(_("Grade"), max_length=1, choices=EvaluationGrade.choices)
    evaluated_on = models.DateField(_("Evaluated on"))
    body = models.CharField(_("Evaluating body"), max_length=100)
    valid_until = models.DateField(_("Valid until"), db_index=True, editable=False)
    note = models.CharField(_("Remarks"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Recorded at"), auto_now_add=True)

    objects = PersonPartQuerySet.as_manager()

    class Meta:
        verbose_name = _("Comprehensive evaluation")
        verbose_name_plural = _("Comprehensive evaluations")
        ordering = ["person", "-evaluated_on", "-id"]

    def __str__(self) -> str:
        return f"{self.grade} {self.evaluated_on}"

    def is_valid_on(self, day: date) -> bool:
        return self.evaluated_on <= day <= self.valid_until


# --- Unmasked exports ---------------------------------------------------------------


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    DOWNLOADED = "downloaded", _("Downloaded")


class PersonExport(models.Model):
    """完整信息导出申请: a request to export people unmasked; a second person approves it, the
    requester downloads the file once. The file is built at download and never stored."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Requested at"), auto_now_add=True)
    reason = models.CharField(_("Purpose"), max_length=200)
    # The list's query string when asked (the same filter is applied at download).
    filters = models.JSONField(_("Filters"), default=dict)
    filter_text = models.CharField(_("Filters"), max_length=500, blank=True)
    row_count = models.PositiveIntegerField(_("Rows"))
    status = models.CharField(
        _("Status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("Decided at"), null=True, blank=True)
    decision_note = models.CharField(_("Comment"), max_length=200, blank=True)
    downloaded_at = models.DateTimeField(_("Downloaded at"), null=True, blank=True)
    digest = models.CharField(_("File digest"), max_length=64, blank=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("Unmasked export request")
        verbose_name_plural = _("Unmasked export requests")
        ordering = ["-created_at", "-id"]
        permissions = [("approve_personexport", _("Approve unmasked exports of people"))]

    def __str__(self) -> str:
        return f"#{self.pk} {self.created_at:%Y-%m-%d}"

    def expires_at(self):
        if self.decided_at is None:
            return None
        return self.decided_at + timedelta(hours=settings.PEOPLE_EXPORT_APPROVAL_HOURS)

    def downloadable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == ExportStatus.APPROVED and self.expires_at() >= now


# --- Imports ------------------------------------------------------------------------


class ImportStatus(models.TextChoices):
    INVALID = "invalid", _("Has errors")
    VALIDATED = "validated", _("Ready to import")
    APPLIED = "applied", _("Imported")
    ABANDONED = "abandoned", _("Cancelled")


class PersonImport(models.Model):
    """统战人士导入: an uploaded xlsx, validated in full before anything is written. Its errors
    and preview never hold a full ID number or phone (masked)."""

    # Uploads nobody finished are given up and their files deleted after a day
    # (apps/enterprises/imports/sweep.py).
    UNFINISHED_STATUSES = (ImportStatus.INVALID, ImportStatus.VALIDATED)
    GIVEN_UP_STATUS = ImportStatus.ABANDONED

    status = models.CharField(_("Status"), max_length=10, choices=ImportStatus.choices)
    original_name = models.CharField(_("File name"), max_length=255)
    stored_path = models.CharField(max_length=255, editable=False)
    size = models.PositiveBigIntegerField(_("Size (bytes)"))
    digest = models.CharField(_("File digest"), max_length=64)
    total_rows = models.PositiveIntegerField(_("Rows"), default=0)
    error_count = models.PositiveIntegerField(_("Errors"), default=0)
    errors = models.JSONField(default=list, blank=True)
    preview = models.JSONField(default=list, blank=True)
    created_count = models.PositiveIntegerField(_("People added"), default=0)
    updated_count = models.PositiveIntegerField(_("People updated"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("Finished at"), null=True, blank=True)

    objects = OwnedQuerySet.as_manager()

    class Meta:
        verbose_name = _("People import")
        verbose_name_plural = _("People imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name


class KeyFingerprint(models.Model):
    """密钥指纹: proof that the configured keys are those the data was encrypted with (a
    keyed hash of a fixed label, nothing of the key itself)."""

    name = models.CharField(_("Key"), max_length=40, unique=True)
    fingerprint = models.CharField(_("Fingerprint"), max_length=64)
    created_at = models.DateTimeField(_("First used at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Key fingerprint")
        verbose_name_plural = _("Key fingerprints")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
