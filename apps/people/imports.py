"""Import of notable people from xlsx (or csv): upload → validate every row → preview →
confirm → all rows written in one transaction, or none.

The upload safety checks, the table reader and the cell parsers are the enterprise import's
(apps.enterprises.imports: files, readers, spec, normalise — public module-level functions,
as the member roster import uses them, decision 0013). Every bad cell is reported by row and
column in Chinese. A row whose ID number is already in the database updates that person
(found through the blind index), so importing the same file twice changes nothing.

No full ID number or mobile is kept anywhere but in the encrypted columns: the job's error
list and preview show them masked, and the uploaded file is deleted when the job ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from apps.audit.services import audit_record
from apps.core.masking import mask_id_number, mask_phone
from apps.core.notify.services import normalise_mobile
from apps.enterprises.imports import files, small
from apps.enterprises.imports.normalise import CellError, date_value, text
from apps.enterprises.imports.small import Result, column_label, finish_job, read_rows
from apps.enterprises.imports.spec import Column
from apps.enterprises.selectors import enterprises_by_uscc
from apps.enterprises.services import normalise_uscc, validate_uscc

from . import idcard, services
from .fields import index_for
from .forms import split_tags
from .models import (
    ETHNIC_GROUPS,
    Affiliation,
    Education,
    Gender,
    ImportStatus,
    Person,
    PersonImport,
    plain,
)

# The headers are part of the file format people fill in: data in Chinese.
LAYOUT = (
    Column("name", "姓名", True, "张三"),
    Column("gender", "性别", example="男"),
    Column("ethnicity", "民族", True, "汉族"),
    Column("birth_date", "出生日期", example="1975-03-14"),
    Column("id_number", "身份证号码", True, "110105197503140019"),
    Column("mobile", "手机", example="13900000000"),
    Column("affiliation", "政治面貌", True, "无党派人士"),
    Column("education", "学历", example="大学本科"),
    Column("title", "职称", example="高级经济师"),
    Column("uscc", "企业统一社会信用代码", example="91110105MA01ABCD2X"),
    Column("position", "企业职务", example="董事长"),
    Column("tags", "人才标签", example="金融、数字经济"),
    Column("notes", "备注", example=""),
)
COLUMNS = {column.key: column for column in LAYOUT}
# How the error report shows them: masked, like every page (the file is the uploader's own).
SENSITIVE_COLUMNS = {
    "id_number": lambda value: mask_id_number(idcard.normalise(value)),
    "mobile": lambda value: mask_phone(idcard.normalise(value)),
}

GENDERS = {"男": Gender.MALE, "女": Gender.FEMALE, "M": Gender.MALE, "F": Gender.FEMALE}
ETHNICITIES = {name: code for code, name in ETHNIC_GROUPS} | {
    name.removesuffix("族"): code for code, name in ETHNIC_GROUPS if len(name) > 2
}
# 政治面貌 as people write it: the GB/T 4762 short names and the parties' usual names.
AFFILIATIONS = {
    "中共党员": Affiliation.CPC,
    "中国共产党党员": Affiliation.CPC,
    "民革党员": Affiliation.RCCK,
    "民革": Affiliation.RCCK,
    "民盟盟员": Affiliation.CDL,
    "民盟": Affiliation.CDL,
    "民建会员": Affiliation.CNDCA,
    "民建": Affiliation.CNDCA,
    "民进会员": Affiliation.CAPD,
    "民进": Affiliation.CAPD,
    "农工党党员": Affiliation.CPWDP,
    "农工党": Affiliation.CPWDP,
    "致公党党员": Affiliation.CZGP,
    "致公党": Affiliation.CZGP,
    "九三学社社员": Affiliation.JIUSAN,
    "九三学社": Affiliation.JIUSAN,
    "台盟盟员": Affiliation.TDSGL,
    "台盟": Affiliation.TDSGL,
    "无党派人士": Affiliation.NON_PARTY,
    "无党派": Affiliation.NON_PARTY,
    "群众": Affiliation.MASSES,
}
EDUCATIONS = {
    "博士": Education.DOCTORATE,
    "博士研究生": Education.DOCTORATE,
    "硕士": Education.MASTER,
    "硕士研究生": Education.MASTER,
    "研究生": Education.MASTER,
    "本科": Education.BACHELOR,
    "大学本科": Education.BACHELOR,
    "大专": Education.COLLEGE,
    "大学专科": Education.COLLEGE,
    "中专": Education.SECONDARY,
    "高中": Education.SECONDARY,
    "初中及以下": Education.BASIC,
    "初中": Education.BASIC,
}
PREVIEW_ROWS = 20


@dataclass
class PersonRow:
    line: int
    values: dict = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    existing: Person | None = None


def _header(table, key: str) -> str:
    return column_label(table, key, COLUMNS)


def validate(path: Path, user) -> Result:
    """Read and check every row; nothing is written."""
    result = Result(shown_as=SENSITIVE_COLUMNS)
    read = read_rows(path, LAYOUT, result, too_many=_("A file holds at most %(count)d rows."))
    if read is None:
        return result
    table, raw_rows = read
    codes = {normalise_uscc(text(v.get("uscc"))) for _l, v in raw_rows} - {""}
    enterprises = enterprises_by_uscc(user, codes)
    seen: dict[str, int] = {}
    id_field = Person._meta.get_field("id_number")
    rows = []
    for line, values in raw_rows:
        row, ok = _row(line, values, table, enterprises, result)
        number = row.values.get("id_number")
        if number:
            if number in seen:
                result.add(
                    line,
                    _header(table, "id_number"),
                    number,
                    _("The same ID number is on row %(row)d.") % {"row": seen[number]},
                    key="id_number",
                )
                ok = False
            seen.setdefault(number, line)
        if ok:
            rows.append(row)
    # People already in the database, found through the blind index (no decryption).
    indexes = {index_for(id_field, row.values["id_number"]): row for row in rows}
    for person in Person.objects.filter(id_number_index__in=list(indexes)):
        indexes[person.id_number_index].existing = person
    result.rows = rows
    return result


def _row(line: int, values: dict, table, enterprises: dict, result: Result):
    before = result.error_count
    row = PersonRow(line=line)
    data = row.values

    def bad(key: str, reason: str) -> None:
        result.add(line, _header(table, key), values.get(key), reason, key=key)

    data["name"] = text(values.get("name"))[:50]
    if not data["name"]:
        bad("name", _("The name is required."))
    gender_text = text(values.get("gender")).upper()
    data["gender"] = GENDERS.get(gender_text, "") if gender_text else ""
    if gender_text and not data["gender"]:
        bad("gender", _("Write 男 or 女."))
    ethnic_text = text(values.get("ethnicity"))
    data["ethnicity"] = ETHNICITIES.get(ethnic_text, "")
    if not ethnic_text:
        bad("ethnicity", _("The ethnic group is required."))
    elif not data["ethnicity"]:
        bad("ethnicity", _("Not one of the 56 ethnic groups (e.g. 汉族, 回族)."))
    born = None
    try:
        born = date_value(values.get("birth_date"))
    except CellError as error:
        bad("birth_date", str(error))
    raw_id = text(values.get("id_number"))
    if not raw_id:
        bad("id_number", _("The ID number is required."))
    else:
        try:
            info = idcard.parse(raw_id)
        except ValidationError as error:
            bad("id_number", error.messages[0])
        else:
            data["id_number"] = info.number
            problems = idcard.cross_check(info, birth_date=born, gender=data["gender"] or None)
            for key, message in problems.items():
                bad(key, message)
            data["birth_date"] = info.birth_date
            data["gender"] = data["gender"] or info.gender
    mobile = text(values.get("mobile"))
    data["mobile"] = ""
    if mobile:
        data["mobile"] = normalise_mobile(mobile)
        if not data["mobile"]:
            bad(
                "mobile",
                _("A mobile number has 11 digits and starts with 1 (e.g. 13912345678)."),
            )
    affiliation_text = text(values.get("affiliation"))
    data["affiliation"] = AFFILIATIONS.get(affiliation_text, "")
    if not data["affiliation"]:
        bad(
            "affiliation",
            _(
                "Write 中共党员, one of the eight democratic parties (e.g. 民建会员), "
                "无党派人士 or 群众."
            ),
        )
    education_text = text(values.get("education"))
    data["education"] = EDUCATIONS.get(education_text, "")
    if education_text and not data["education"]:
        bad("education", _("Write 博士, 硕士, 本科, 大专, 中专, 高中 or 初中及以下."))
    data["title"] = text(values.get("title"))[:50]
    data["position"] = text(values.get("position"))[:50]
    data["notes"] = text(values.get("notes"))[:2000]
    data["enterprise"] = None
    code_text = text(values.get("uscc"))
    if code_text:
        try:
            code = validate_uscc(code_text)
        except ValidationError as error:
            bad("uscc", error.messages[0])
        else:
            data["enterprise"] = enterprises.get(code)
            if data["enterprise"] is None:
                bad("uscc", _("No enterprise with this credit code in the enterprise database."))
    row.tags = split_tags(text(values.get("tags")))
    return row, result.error_count == before


# --- Changes ------------------------------------------------------------------------

UPDATED_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "affiliation",
    "education",
    "title",
    "enterprise",
    "position",
    "notes",
)


def _changes(row: PersonRow) -> dict:
    """Fields of an existing person the row changes (empty cells never overwrite)."""
    person = row.existing
    changes = {}
    for name in UPDATED_FIELDS:
        value = row.values.get(name)
        if value in (None, ""):
            continue
        current = getattr(person, name)
        if name == "enterprise":
            if person.enterprise_id != value.pk:
                changes[name] = value
        elif current != value:
            changes[name] = value
    if row.values.get("mobile") and row.values["mobile"] != plain(person.mobile):
        changes["mobile"] = row.values["mobile"]
    if row.tags and sorted(row.tags) != sorted(t.name for t in person.tags.all()):
        changes["tags"] = row.tags
    return changes


def import_start(*, actor, upload) -> PersonImport:
    """Store the upload under a random name and validate it (ValidationError if refused)."""
    suffix = ".csv" if upload.name.lower().endswith(".csv") else ".xlsx"
    try:
        path, size, digest = files.store_upload(upload.chunks(), suffix=suffix)
    except files.UnsafeFile as error:
        raise ValidationError(str(error)) from None
    result = validate(path, actor)
    new = sum(1 for row in result.rows if row.existing is None)
    changed = 0 if result.error_count else sum(1 for r in result.rows if r.existing and _changes(r))
    job = PersonImport.objects.create(
        status=ImportStatus.INVALID if result.error_count else ImportStatus.VALIDATED,
        original_name=Path(upload.name).name[:255],
        stored_path=str(path),
        size=size,
        digest=digest,
        total_rows=result.total,
        error_count=result.error_count,
        errors=result.errors,
        preview=[_preview(row) for row in result.rows[:PREVIEW_ROWS]],
        created_count=0 if result.error_count else new,
        updated_count=changed,
        created_by=actor,
    )
    if result.error_count:
        files.remove(path)
    return job


def _preview(row: PersonRow) -> dict:
    data = row.values
    return {
        "row": row.line,
        "name": data["name"],
        "gender": str(Gender(data["gender"]).label) if data.get("gender") else "",
        "id_number": mask_id_number(data["id_number"]),
        "mobile": mask_phone(data["mobile"]),
        "affiliation": str(Affiliation(data["affiliation"]).label),
        "enterprise": data["enterprise"].name if data.get("enterprise") else "",
        "action": str(_("Update") if row.existing is not None else _("To add")),
    }


def import_apply(*, actor, job: PersonImport) -> PersonImport:
    """Write every row in one transaction, or none; the job records what happened."""
    job = PersonImport.objects.get(pk=job.pk)
    if job.status != ImportStatus.VALIDATED:
        raise ValidationError(
            _("This import cannot be applied (status: %(status)s).")
            % {"status": job.get_status_display()}
        )
    path = Path(job.stored_path)
    if not path.exists():
        raise ValidationError(_("The uploaded file is gone. Upload it again."))
    result = validate(path, actor)
    if result.error_count:
        finish_job(job, ImportStatus.INVALID, errors=result.errors, error_count=result.error_count)
        return job
    created = updated = 0
    try:
        with transaction.atomic():
            for row in result.rows:
                if row.existing is None:
                    _create(actor, row)
                    created += 1
                else:
                    changes = _changes(row)
                    if changes:
                        _update(actor, row, changes)
                        updated += 1
            audit_record(
                action="person.import",
                actor=actor,
                obj=job,
                changes={"created": [None, created], "updated": [None, updated]},
                message=f"{job.original_name} {job.digest[:16]}",
            )
    except _RowFailed as failure:
        finish_job(job, ImportStatus.INVALID, errors=[failure.error], error_count=1)
        return job
    finish_job(job, ImportStatus.APPLIED, created_count=created, updated_count=updated)
    return job


class _RowFailed(Exception):
    def __init__(self, error: dict):
        super().__init__(error["reason"])
        self.error = error


def _failed(row: PersonRow, error: ValidationError) -> _RowFailed:
    return _RowFailed(
        {"row": row.line, "column": "", "value": "", "reason": " ".join(error.messages)}
    )


def _create(actor, row: PersonRow) -> None:
    data = row.values
    try:
        services.person_create(
            actor=actor,
            name=data["name"],
            gender=data["gender"],
            ethnicity=data["ethnicity"],
            birth_date=data["birth_date"],
            id_number=data["id_number"],
            affiliation=data["affiliation"],
            mobile=data["mobile"],
            education=data["education"],
            title=data["title"],
            enterprise=data["enterprise"],
            position=data["position"],
            notes=data["notes"],
            tags=row.tags,
        )
    except ValidationError as error:
        raise _failed(row, error) from None


def _update(actor, row: PersonRow, changes: dict) -> None:
    person = row.existing
    mobile = changes.pop("mobile", None)
    tags = changes.pop("tags", None)
    try:
        services.person_update(
            actor=actor, person=person, version=person.version, mobile=mobile, tags=tags, **changes
        )
    except ValidationError as error:
        raise _failed(row, error) from None


def import_abandon(*, job: PersonImport) -> None:
    if job.status in (ImportStatus.APPLIED, ImportStatus.ABANDONED):
        return
    finish_job(job, ImportStatus.ABANDONED)


def errors_xlsx(job: PersonImport) -> bytes:
    return small.errors_xlsx(job)


def template_xlsx() -> bytes:
    return small.template_xlsx(LAYOUT, str(_("Notable people")))
