"""The two file layouts (roster and ledger): their Chinese headers and how headers match.

The headers are part of the file format people fill in, so they are data in
Chinese (like the 街乡 names), not UI strings. A header matches after
normalisation: full-width folded, spaces and the required-marker * dropped; the
unit in brackets may be left out, but a different unit ("营业收入(元)") is an
unknown header rather than a silently misread column.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

UNCACHED_FORMULA = gettext_noop(
    "The cell holds a formula without a calculated value. "
    "Open the file in Excel, let it calculate, save and upload again."
)


@dataclass(frozen=True)
class Column:
    key: str
    header: str  # as written in the template, without the *
    required: bool = False
    example: str = ""

    @property
    def template_header(self) -> str:
        return f"{self.header}*" if self.required else self.header


ROSTER = (
    Column("uscc", "统一社会信用代码", True, "91110105MA01ABCD2X"),
    Column("name", "企业名称", True, "北京示例科技有限公司"),
    Column("street", "所属街乡", True, "建外"),
    Column("industry", "行业代码", True, "6513"),
    Column("registration_type", "登记注册类型", example="私营企业"),
    Column("established", "成立日期", example="2018-05-20"),
    Column("registered_capital", "注册资本(万元)", example="500"),
    Column("legal_representative", "法定代表人", example="张三"),
    Column("address", "注册地址", example="北京市朝阳区建国路1号"),
    Column("contact_phone", "联系电话", example="010-65000000"),
    Column("tags", "企业标签", example="专精特新、高新技术企业"),
)

LEDGER = (
    Column("uscc", "统一社会信用代码", True, "91110105MA01ABCD2X"),
    Column("year", "年度", True, "2025"),
    Column("quarter", "季度", True, "1"),
    Column("basis", "口径", example="单季"),
    Column("revenue", "营业收入(万元)", example="1200.50"),
    Column("profit", "利润总额(万元)", example="80"),
    Column("tax", "纳税总额(万元)", example="35.2"),
    Column("rd_expense", "研发费用(万元)", example="12"),
    Column("employees", "从业人员(人)", example="56"),
    Column("total_assets", "资产总额(万元)", example="3000"),
)

LAYOUTS = {"roster": ROSTER, "ledger": LEDGER}

_DROP = re.compile(r"[\s*＊:：]+")
_UNIT = re.compile(r"\(([^()]*)\)$")


def header_key(value) -> str:
    text = unicodedata.normalize("NFKC", str(value or ""))
    return _DROP.sub("", text).lower()


def header_index(columns: tuple[Column, ...]) -> dict[str, Column]:
    """Normalised header → column, with and without the unit in brackets."""
    index: dict[str, Column] = {}
    for column in columns:
        full = header_key(column.header)
        index[full] = column
        index[_UNIT.sub("", full)] = column
    return index


@dataclass
class HeaderMap:
    positions: dict[str, int]  # column key → 0-based position in the row
    headers: dict[str, str]  # column key → header as written in the file
    missing: list[str]
    unknown: list[str]
    duplicated: list[str]

    def problems(self) -> list[str]:
        found = []
        if self.missing:
            found.append(
                _("Required columns are missing: %(names)s.") % {"names": "、".join(self.missing)}
            )
        if self.unknown:
            found.append(
                _("Columns not in the template: %(names)s. Rename or delete them.")
                % {"names": "、".join(self.unknown)}
            )
        if self.duplicated:
            found.append(
                _("Columns appear more than once: %(names)s.")
                % {"names": "、".join(self.duplicated)}
            )
        return found


def map_headers(cells: list, columns: tuple[Column, ...]) -> HeaderMap:
    index = header_index(columns)
    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    unknown, duplicated = [], []
    for position, cell in enumerate(cells):
        key = header_key(cell)
        if not key:
            continue
        column = index.get(key)
        if column is None:
            unknown.append(str(cell).strip())
        elif column.key in positions:
            duplicated.append(column.header)
        else:
            positions[column.key] = position
            headers[column.key] = str(cell).strip()
    missing = [c.template_header for c in columns if c.required and c.key not in positions]
    return HeaderMap(positions, headers, missing, unknown, duplicated)
