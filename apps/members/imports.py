"""Import of the existing member roster from xlsx (or csv): upload → validate every row →
preview → confirm → all rows written in one transaction, or none.

The upload safety checks, the table reader (header found among the first rows, merged
titles, cached formula values only) and the cell parsers are the enterprise import's
(apps.enterprises.imports: files, readers, spec, normalise — its public, module-level
functions; see decision 0013). Every bad cell is reported by row and column, in Chinese;
nothing is written while any error remains. Apply validates again inside its transaction
(someone may have admitted a member since the preview) and goes through member_create,
the function every admission uses.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.audit.services import audit_record
from apps.core.notify.services import normalise_mobile
from apps.enterprises.imports import files, small
from apps.enterprises.imports.normalise import CellError, date_value, text
from apps.enterprises.imports.small import Result, column_label, finish_job, read_rows
from apps.enterprises.imports.spec import Column
from apps.enterprises.selectors import enterprises_by_uscc
from apps.enterprises.services import normalise_uscc, validate_uscc
from apps.registry.models import Chamber, Street

from . import services
from .models import (
    CURRENT_STATUSES,
    ImportStatus,
    Member,
    MemberImport,
    MemberKind,
    MemberSource,
    MemberStatus,
)

# The headers are part of the file format people fill in: data in Chinese, like the
# enterprise import's.
ROSTER = (
    Column("number", "会员编号", example="CY201800012"),
    Column("kind", "会员类别", True, "企业会员"),
    Column("uscc", "统一社会信用代码", example="91110105MA01ABCD2X"),
    Column("name", "名称", True, "北京示例科技有限公司"),
    Column("street", "所属街乡", example="建外"),
    Column("join_date", "入会日期", True, "2018-05-20"),
    Column("status", "会员状态", example="正式"),
    Column("status_date", "状态日期", example="2018-05-20"),
    Column("chambers", "所属商会", example="建外商会、餐饮商会"),
    Column("contact_name", "联系人", example="张三"),
    Column("contact_phone", "联系电话", example="010-65000000"),
    Column("mobile", "手机", example="13900000000"),
    Column("directory", "公开名录", example="否"),
)

KINDS = {
    "企业会员": MemberKind.ENTERPRISE,
    "企业": MemberKind.ENTERPRISE,
    "团体会员": MemberKind.GROUP,
    "团体": MemberKind.GROUP,
    "个人会员": MemberKind.PERSON,
    "个人": MemberKind.PERSON,
}
STATUSES = {
    "正式": MemberStatus.ACTIVE,
    "正式会员": MemberStatus.ACTIVE,
    "暂停": MemberStatus.SUSPENDED,
    "退会": MemberStatus.WITHDRAWN,
    "除名": MemberStatus.EXPELLED,
}
YES = {"是", "Y", "YES", "TRUE", "1", "公开"}
NO = {"否", "N", "NO", "FALSE", "0", "不公开", ""}
PREVIEW_ROWS = 20


@dataclass
class RosterRow:
    line: int
    kind: str = ""
    number: str = ""
    enterprise: object = None
    chamber: object = None
    name: str = ""
    street: object = None
    join_date: date | None = None
    status: str = MemberStatus.ACTIVE
    status_date: date | None = None
    chambers: list = field(default_factory=list)
    contact_name: str = ""
    contact_phone: str = ""
    mobile: str = ""
    directory: bool = False


class _Lookups:
    """Reference data read once per file, not once per row."""

    def __init__(self, user):
        self.user = user
        self.streets: dict[str, Street] = {}
        for street in Street.objects.in_scope(user):
            self.streets[street.short_name] = street
            self.streets[street.office_name] = street
        self.chambers = {c.name: c for c in Chamber.objects.all()}
        self.numbers_taken: set[str] = set()
        self.members: set[int] = set()
        self.chamber_members: set[int] = set()

    def load(self, numbers: set[str], codes: set[str]) -> None:
        self.numbers_taken = set(
            Member.objects.filter(number__in=numbers).values_list("number", flat=True)
        )
        self.enterprises = enterprises_by_uscc(self.user, codes)
        current = Member.objects.filter(status__in=CURRENT_STATUSES)
        self.members = set(
            current.filter(enterprise__uscc__in=codes).values_list("enterprise_id", flat=True)
        )
        self.chamber_members = set(
            current.filter(chamber__isnull=False).values_list("chamber_id", flat=True)
        )


COLUMNS = {column.key: column for column in ROSTER}


def _header(table, key: str) -> str:
    return column_label(table, key, COLUMNS)


def validate(path: Path, user) -> Result:
    """Read and check every row; nothing is written."""
    result = Result()
    read = read_rows(path, ROSTER, result, too_many=_("A roster holds at most %(count)d rows."))
    if read is None:
        return result
    table, raw_rows = read
    lookups = _Lookups(user)
    numbers = {text(v.get("number")) for _l, v in raw_rows} - {""}
    codes = {normalise_uscc(text(v.get("uscc"))) for _l, v in raw_rows} - {""}
    lookups.load(numbers, codes)
    seen_numbers: dict[str, int] = {}
    seen_codes: dict[str, int] = {}
    seen_chambers: dict[int, int] = {}
    for line, values in raw_rows:
        row, ok = _row(line, values, table, lookups, result)
        if row.number:
            if row.number in seen_numbers:
                result.add(
                    line,
                    _header(table, "number"),
                    row.number,
                    _("The same member number is on row %(row)d.")
                    % {"row": seen_numbers[row.number]},
                )
            seen_numbers.setdefault(row.number, line)
        if row.enterprise is not None:
            code = row.enterprise.uscc
            if code in seen_codes:
                result.add(
                    line,
                    _header(table, "uscc"),
                    code,
                    _("The same enterprise is on row %(row)d.") % {"row": seen_codes[code]},
                )
            seen_codes.setdefault(code, line)
        if row.chamber is not None:
            if row.chamber.pk in seen_chambers:
                result.add(
                    line,
                    _header(table, "name"),
                    row.chamber.name,
                    _("The same chamber is on row %(row)d.")
                    % {"row": seen_chambers[row.chamber.pk]},
                )
            seen_chambers.setdefault(row.chamber.pk, line)
        if ok:
            result.rows.append(row)
    return result


def _row(
    line: int, values: dict, table, lookups: _Lookups, result: Result
) -> tuple[RosterRow, bool]:
    """The row's values and whether all of them are good (errors go to `result`)."""
    before = result.error_count
    row = RosterRow(line=line)

    def bad(key: str, reason: str) -> None:
        result.add(line, _header(table, key), values.get(key), reason)

    kind_text = text(values.get("kind"))
    row.kind = KINDS.get(kind_text, "")
    if not row.kind:
        bad("kind", _("Write 企业会员, 团体会员 or 个人会员."))
    row.name = text(values.get("name"))
    if not row.name:
        bad("name", _("The name is required."))
    row.number = text(values.get("number"))
    if row.number:
        if len(row.number) > 30:
            bad("number", _("A member number has at most 30 characters."))
        elif row.number in lookups.numbers_taken:
            bad("number", _("This member number is already taken."))
    raw_code = text(values.get("uscc"))
    if row.kind == MemberKind.ENTERPRISE:
        if not raw_code:
            bad("uscc", _("An enterprise member needs a credit code."))
        else:
            try:
                code = validate_uscc(raw_code)
            except ValidationError as error:
                bad("uscc", error.messages[0])
            else:
                row.enterprise = lookups.enterprises.get(code)
                if row.enterprise is None:
                    bad(
                        "uscc",
                        _(
                            "No enterprise with this credit code in the enterprise database "
                            "(in your scope). Import the enterprise there first."
                        ),
                    )
                elif row.enterprise.pk in lookups.members:
                    bad("uscc", _("This enterprise is already a member."))
    elif row.kind == MemberKind.GROUP:
        row.chamber = lookups.chambers.get(row.name)
        if row.chamber is not None and row.chamber.pk in lookups.chamber_members:
            bad("name", _("This chamber is already a member."))
    street_text = text(values.get("street"))
    if street_text:
        row.street = lookups.streets.get(street_text)
        if row.street is None:
            bad("street", _("Unknown street, or a street outside your scope."))
    elif row.enterprise is not None:
        row.street = row.enterprise.street
    elif row.kind and row.kind != MemberKind.ENTERPRISE:
        bad("street", _("The street is required for group and individual members."))
    today = timezone.localdate()
    try:
        row.join_date = date_value(values.get("join_date"))
        if row.join_date is None:
            bad("join_date", _("The join date is required."))
        elif row.join_date > today:
            bad("join_date", _("The join date cannot be in the future."))
    except CellError as error:
        bad("join_date", str(error))
    status_text = text(values.get("status"))
    if status_text:
        row.status = STATUSES.get(status_text, "")
        if not row.status:
            bad("status", _("Write 正式, 暂停, 退会 or 除名."))
    try:
        row.status_date = date_value(values.get("status_date"))
        if row.status_date and row.join_date and row.status_date < row.join_date:
            bad("status_date", _("The status date cannot be before the join date."))
        elif row.status_date and row.status_date > today:
            bad("status_date", _("The status date cannot be in the future."))
    except CellError as error:
        bad("status_date", str(error))
    chamber_text = text(values.get("chambers"))
    for name in filter(None, (n.strip() for n in _split(chamber_text))):
        chamber = lookups.chambers.get(name)
        if chamber is None:
            bad("chambers", _("Unknown chamber: %(name)s.") % {"name": name})
        else:
            row.chambers.append(chamber)
    row.contact_name = text(values.get("contact_name"))[:50]
    row.contact_phone = text(values.get("contact_phone"))[:30]
    mobile = text(values.get("mobile"))
    if mobile:
        row.mobile = normalise_mobile(mobile)
        if not row.mobile:
            bad("mobile", _("Not a mobile phone number."))
    directory = text(values.get("directory")).upper()
    if directory in YES:
        row.directory = True
    elif directory not in NO:
        bad("directory", _("Write 是 or 否."))
    return row, result.error_count == before


def _split(value: str) -> list[str]:
    for sep in ("，", ",", ";", "；", "/"):
        value = value.replace(sep, "、")
    return value.split("、")


# --- The job -----------------------------------------------------------------------


def import_start(*, actor, upload) -> MemberImport:
    """Store the upload under a random name and validate it (ValidationError if refused)."""
    suffix = ".csv" if upload.name.lower().endswith(".csv") else ".xlsx"
    try:
        path, size, digest = files.store_upload(upload.chunks(), suffix=suffix)
    except files.UnsafeFile as error:
        raise ValidationError(str(error)) from None
    result = validate(path, actor)
    job = MemberImport.objects.create(
        status=ImportStatus.INVALID if result.error_count else ImportStatus.VALIDATED,
        original_name=Path(upload.name).name[:255],
        stored_path=str(path),
        size=size,
        digest=digest,
        total_rows=result.total,
        error_count=result.error_count,
        errors=result.errors,
        preview=[_preview(row) for row in result.rows[:PREVIEW_ROWS]],
        created_by=actor,
    )
    if result.error_count:
        files.remove(path)
    return job


def _preview(row: RosterRow) -> dict:
    return {
        "row": row.line,
        "number": row.number,
        "kind": str(MemberKind(row.kind).label),
        "name": row.enterprise.name if row.enterprise is not None else row.name,
        "uscc": row.enterprise.uscc if row.enterprise is not None else "",
        "street": row.street.short_name if row.street else "",
        "join_date": row.join_date.isoformat() if row.join_date else "",
        "status": str(MemberStatus(row.status).label),
        "chambers": "、".join(c.name for c in row.chambers),
    }


def import_apply(*, actor, job: MemberImport) -> MemberImport:
    """Write every row in one transaction, or none; the job records what happened."""
    job = MemberImport.objects.get(pk=job.pk)
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
    try:
        with transaction.atomic():
            created = [_create(actor, row) for row in result.rows]
            audit_record(
                action="member.import",
                actor=actor,
                obj=job,
                changes={"members": [None, len(created)]},
                message=f"{job.original_name} {job.digest[:16]}",
            )
    except _RowFailed as failure:
        finish_job(job, ImportStatus.INVALID, errors=[failure.error], error_count=1)
        return job
    finish_job(job, ImportStatus.APPLIED, created_count=len(created))
    return job


class _RowFailed(Exception):
    def __init__(self, error: dict):
        super().__init__(error["reason"])
        self.error = error


def _create(actor, row: RosterRow) -> Member:
    try:
        member = services.member_create(
            actor=actor,
            kind=row.kind,
            street=row.street,
            join_date=row.join_date,
            enterprise=row.enterprise,
            chamber=row.chamber,
            group_name=row.name if row.chamber is None else "",
            person_name=row.name,
            person_mobile=row.mobile if row.kind == MemberKind.PERSON else "",
            contact_name=row.contact_name,
            contact_phone=row.contact_phone
            or (row.mobile if row.kind != MemberKind.PERSON else ""),
            chambers=row.chambers,
            directory_opt_in=row.directory,
            number=row.number,
            source=MemberSource.IMPORT,
        )
        if row.status != MemberStatus.ACTIVE:
            services.member_status_change(
                actor=actor,
                member=member,
                status=row.status,
                on=row.status_date or row.join_date,
                reason=_("Status in the imported roster"),
            )
    except ValidationError as error:
        raise _RowFailed(
            {"row": row.line, "column": "", "value": "", "reason": " ".join(error.messages)}
        ) from None
    return member


def import_abandon(*, job: MemberImport) -> None:
    if job.status in (ImportStatus.APPLIED, ImportStatus.ABANDONED):
        return
    finish_job(job, ImportStatus.ABANDONED)


def errors_xlsx(job: MemberImport) -> bytes:
    return small.errors_xlsx(job)


def template_xlsx() -> bytes:
    return small.template_xlsx(ROSTER, str(_("Member roster")))
