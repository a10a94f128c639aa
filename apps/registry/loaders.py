"""Load the registry's reference data (街乡, GB/T 4754-2017, size thresholds, dictionaries).

Every loader is idempotent: running it twice changes nothing, and a row whose
name changed in the CSV is updated in place (matched on its natural key).
Rows are never deleted: other tables point at them with PROTECT.

The CSVs live next to this module in ``fixtures/`` (see fixtures/SOURCES.md).
"""

from __future__ import annotations

import csv
import logging
import re
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from .models import DictionaryItem, Industry, SizeThreshold, Street

logger = logging.getLogger(__name__)

FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures"

STREETS_CSV = "chaoyang_streets.csv"
INDUSTRIES_CSV = "gbt4754_2017.csv"
SIZE_THRESHOLDS_CSV = "enterprise_size_2017.csv"


class ReferenceDataError(ValueError):
    """A reference CSV holds something the loader cannot interpret."""


@contextmanager
def _reading(name: str):
    """Prefix a ReferenceDataError raised while reading a CSV with the file's name."""
    try:
        yield
    except ReferenceDataError as error:
        raise ReferenceDataError(f"{name}: {error}") from error


def _read_csv(name: str) -> list[dict[str, str]]:
    # FIXTURE_DIR is looked up at call time so tests can point it elsewhere.
    path = Path(FIXTURE_DIR) / name
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [
            {key.strip(): (value or "").strip() for key, value in row.items() if key}
            for row in csv.DictReader(handle)
        ]


def _decimal(value: str, *, field: str, row: int) -> Decimal | None:
    if value == "":
        return None
    try:
        return Decimal(value)
    except InvalidOperation:
        raise ReferenceDataError(
            _("Row %(row)d: %(field)s is not a number: %(value)s")
            % {"row": row, "field": field, "value": value}
        ) from None


# --- 街乡 -----------------------------------------------------------------

STREET_FIELDS = ("short_name", "office_name", "kind", "lon", "lat")


def load_streets() -> int:
    """Create or update the 街乡 from chaoyang_streets.csv; return the number of rows in it."""
    kinds = set(Street.Kind.values)
    wanted: dict[str, dict] = {}
    with _reading(STREETS_CSV):
        for number, row in enumerate(_read_csv(STREETS_CSV), start=2):
            code = row["code"]
            if not code:
                raise ReferenceDataError(_("Row %(row)d: the code is empty.") % {"row": number})
            if code in wanted:
                raise ReferenceDataError(
                    _("Row %(row)d: the code %(code)s appears twice.")
                    % {"row": number, "code": code}
                )
            if row["kind"] not in kinds:
                raise ReferenceDataError(
                    _("Row %(row)d: unknown kind %(kind)s.") % {"row": number, "kind": row["kind"]}
                )
            wanted[code] = {
                "short_name": row["short_name"],
                "office_name": row["office_name"],
                "kind": row["kind"],
                "lon": _decimal(row.get("lon", ""), field="lon", row=number),
                "lat": _decimal(row.get("lat", ""), field="lat", row=number),
            }

    with transaction.atomic():
        existing = {street.code: street for street in Street.objects.all()}
        to_create, to_update = [], []
        for code, values in wanted.items():
            street = existing.get(code)
            if street is None:
                to_create.append(Street(code=code, **values))
            elif _apply(street, values):
                to_update.append(street)
        Street.objects.bulk_create(to_create)
        if to_update:
            Street.objects.bulk_update(to_update, STREET_FIELDS)
    return len(wanted)


def _apply(obj, values: dict) -> bool:
    """Set values on obj; return whether anything changed."""
    changed = False
    for field, value in values.items():
        if getattr(obj, field) != value:
            setattr(obj, field, value)
            changed = True
    return changed


# --- 国民经济行业分类 -------------------------------------------------------

_INDUSTRY_CODE_LENGTH = {1: 1, 2: 2, 3: 3, 4: 4}


def load_industries() -> int:
    """Create or update the GB/T 4754-2017 tree; return the number of distinct codes loaded.

    Parents are saved before their children (level by level). A 小类 whose
    ``parent`` names a 中类 that has no row of its own (the 中类 has a single
    小类) is attached to the nearest ancestor that does exist, i.e. its 大类.
    """
    rows: dict[str, dict] = {}
    with _reading(INDUSTRIES_CSV):
        for number, row in enumerate(_read_csv(INDUSTRIES_CSV), start=2):
            code = row["code"]
            try:
                level = int(row["level"])
            except ValueError:
                level = 0
            if level not in _INDUSTRY_CODE_LENGTH:
                raise ReferenceDataError(
                    _("Row %(row)d: unknown level %(level)s.")
                    % {"row": number, "level": row["level"]}
                )
            well_formed = code.isalpha() if level == 1 else code.isdigit()
            if not well_formed or len(code) != _INDUSTRY_CODE_LENGTH[level]:
                raise ReferenceDataError(
                    _("Row %(row)d: the code %(code)s does not fit level %(level)d.")
                    % {"row": number, "code": code, "level": level}
                )
            if code in rows:
                # Keep the first row: a later duplicate is a data error, not a rename.
                logger.warning("%s row %d: duplicate code %s ignored", INDUSTRIES_CSV, number, code)
                continue
            rows[code] = {
                "level": level,
                "name": row["name"],
                "section": row["section"],
                "parent": row["parent"],
                "row": number,
            }

    def parent_code(code: str, data: dict) -> str | None:
        if data["level"] == 1:
            return None
        candidates = [data["parent"]] if data["parent"] else []
        if data["level"] == 2:
            candidates.append(data["section"])
        else:
            # Nearest existing ancestor by code prefix (中类, then 大类).
            candidates += [code[:n] for n in range(len(code) - 1, 1, -1)]
        for candidate in candidates:
            parent = rows.get(candidate)
            if parent is not None and parent["level"] < data["level"]:
                return candidate
        raise ReferenceDataError(
            _("Row %(row)d: no parent found for %(code)s.") % {"row": data["row"], "code": code}
        )

    with _reading(INDUSTRIES_CSV):
        for code, data in rows.items():
            data["parent"] = parent_code(code, data)

    with transaction.atomic():
        existing = {
            industry.code: industry
            for industry in Industry.objects.only(
                "id", "code", "level", "name", "section", "parent_id"
            )
        }
        pk_by_code = {code: industry.pk for code, industry in existing.items()}
        for level in sorted(_INDUSTRY_CODE_LENGTH):
            to_create, to_update = [], []
            for code, data in rows.items():
                if data["level"] != level:
                    continue
                parent = data["parent"]
                values = {
                    "level": level,
                    "name": data["name"],
                    "section": data["section"],
                    "parent_id": pk_by_code[parent] if parent else None,
                }
                industry = existing.get(code)
                if industry is None:
                    to_create.append(Industry(code=code, **values))
                elif _apply(industry, values):
                    to_update.append(industry)
            if to_create:
                Industry.objects.bulk_create(to_create, batch_size=500)
                # Not every backend returns primary keys from a bulk insert.
                pk_by_code.update(Industry.objects.filter(level=level).values_list("code", "id"))
            if to_update:
                Industry.objects.bulk_update(
                    to_update, ["level", "name", "section", "parent"], batch_size=500
                )
    return len(rows)


# --- 企业规模划分 -----------------------------------------------------------

_SCOPE_TOKEN = re.compile(
    r"(?P<open>\()|(?P<close>\))|(?P<comma>[,，、;；])"
    r"|(?P<except>(?<![A-Za-z])except(?![A-Za-z]))"
    r"|(?P<range>(?<![0-9A-Za-z])(?P<lo>\d+)\s*[-–~～]\s*(?P<hi>\d+)(?![0-9A-Za-z]))"
    r"|(?P<code>(?<![0-9A-Za-z])\d+(?![0-9A-Za-z]))",
    re.IGNORECASE,
)


def parse_scope(text: str) -> tuple[list[str], list[str]]:
    """Parse a ``gbt4754_scope`` text into (include_prefixes, exclude_prefixes).

    Understood: ranges of codes of equal length ("01-05", usually 2-digit
    divisions, inside or outside parentheses), bare codes of 2 to 4 digits
    ("51", "7010"), and "except" followed by codes, which excludes them up to
    the closing parenthesis (or the next comma outside parentheses). Section
    letters and descriptive words ("A", "rail", "社会工作") are ignored: the
    codes carry the meaning. Order is kept, duplicates are dropped.
    """
    include: list[str] = []
    exclude: list[str] = []
    depth = 0
    except_depth: int | None = None  # the depth at which an "except" is in force

    def add(codes: Iterable[str]) -> None:
        target = exclude if except_depth is not None else include
        for code in codes:
            if code not in target:
                target.append(code)

    def check(code: str) -> str:
        if not 2 <= len(code) <= 4:
            raise ReferenceDataError(
                _("Industry scope %(scope)s: %(code)s is not a code of 2 to 4 digits.")
                % {"scope": text, "code": code}
            )
        return code

    for match in _SCOPE_TOKEN.finditer(text or ""):
        if match["open"]:
            depth += 1
        elif match["close"]:
            depth = max(depth - 1, 0)
            if except_depth is not None and depth < except_depth:
                except_depth = None
        elif match["comma"]:
            if except_depth == 0 and depth == 0:
                except_depth = None
        elif match["except"]:
            except_depth = depth
        elif match["range"]:
            lo, hi = check(match["lo"]), check(match["hi"])
            if len(lo) != len(hi) or int(lo) > int(hi):
                raise ReferenceDataError(
                    _("Industry scope %(scope)s: %(range)s is not a valid range.")
                    % {"scope": text, "range": match["range"]}
                )
            add(str(n).zfill(len(lo)) for n in range(int(lo), int(hi) + 1))
        else:
            add([check(match["code"])])
    if not include:
        raise ReferenceDataError(
            _("Industry scope %(scope)s names no industry code.") % {"scope": text}
        )
    return include, exclude


SIZE_FIELDS = (
    "scope_text",
    "include_prefixes",
    "exclude_prefixes",
    "unit",
    "large_min",
    "medium_min",
    "small_min",
)


def load_size_thresholds() -> int:
    """Create or update the 2017 size thresholds; return the number of rows in the CSV."""
    indicators = set(SizeThreshold.Indicator.values)
    wanted: dict[tuple[str, str], dict] = {}
    with _reading(SIZE_THRESHOLDS_CSV):
        for number, row in enumerate(_read_csv(SIZE_THRESHOLDS_CSV), start=2):
            key = (row["group"], row["indicator"])
            if row["indicator"] not in indicators:
                raise ReferenceDataError(
                    _("Row %(row)d: unknown indicator %(indicator)s.")
                    % {"row": number, "indicator": row["indicator"]}
                )
            if key in wanted:
                raise ReferenceDataError(
                    _("Row %(row)d: %(group)s %(indicator)s appears twice.")
                    % {"row": number, "group": key[0], "indicator": key[1]}
                )
            include, exclude = parse_scope(row["gbt4754_scope"])
            values = {
                "scope_text": row["gbt4754_scope"],
                "include_prefixes": include,
                "exclude_prefixes": exclude,
                "unit": row["unit"],
            }
            for field in ("large_min", "medium_min", "small_min"):
                value = _decimal(row[field], field=field, row=number)
                if value is None:
                    raise ReferenceDataError(
                        _("Row %(row)d: %(field)s is empty.") % {"row": number, "field": field}
                    )
                values[field] = value
            wanted[key] = values

    with transaction.atomic():
        existing = {(t.group, t.indicator): t for t in SizeThreshold.objects.all()}
        to_create, to_update = [], []
        for (group, indicator), values in wanted.items():
            threshold = existing.get((group, indicator))
            if threshold is None:
                to_create.append(SizeThreshold(group=group, indicator=indicator, **values))
            elif _apply(threshold, values):
                to_update.append(threshold)
        SizeThreshold.objects.bulk_create(to_create)
        if to_update:
            SizeThreshold.objects.bulk_update(to_update, SIZE_FIELDS)
    return len(wanted)


ScopeRule = tuple[str, Sequence[str], Sequence[str]]  # (group, include, exclude)


def size_threshold_rules() -> list[ScopeRule]:
    """The loaded (group, include_prefixes, exclude_prefixes), one per group."""
    rules: dict[str, ScopeRule] = {}
    for group, include, exclude in SizeThreshold.objects.order_by("id").values_list(
        "group", "include_prefixes", "exclude_prefixes"
    ):
        rules.setdefault(group, (group, include or [], exclude or []))
    return list(rules.values())


def match_size_group(industry_code: str, rules: Iterable[ScopeRule]) -> str | None:
    """Pure part of size_threshold_group: pick the group from the given rules."""
    code = (industry_code or "").strip().upper()
    if code[:1].isalpha():  # tolerate "I6513"
        code = code[1:]
    if not code.isdigit():
        return None
    best: tuple[int, str] | None = None
    for group, include, exclude in rules:
        if any(code.startswith(prefix) for prefix in exclude):
            continue
        length = max((len(p) for p in include if code.startswith(p)), default=0)
        if length and (best is None or length > best[0]):
            best = (length, group)
    return best[1] if best else None


def size_threshold_group(industry_code: str) -> str | None:
    """The size-threshold group covering an industry code, or None.

    The group whose include prefixes match the code (longest prefix wins
    across groups) and whose exclude prefixes do not. 金融业 (J, 66-69) and
    anything else not covered by the 2017 method give None.
    """
    return match_size_group(industry_code, size_threshold_rules())


# --- 数据字典 ---------------------------------------------------------------

ENTERPRISE_TAGS = [
    ("zjtx", "专精特新"),
    ("zjtx_xjr", "专精特新“小巨人”"),
    ("gxjs", "高新技术企业"),
    ("ssgs", "上市公司"),
    ("gsqy", "规上企业"),
    ("my500", "民营企业500强"),
    ("zhlzh", "中华老字号"),
    ("kjxzx", "科技型中小企业"),
    ("djs", "独角兽企业"),
    ("wzqy", "外资企业"),
]

MEMBER_POSTS = [
    # 工商联 posts
    ("zhuxi", "主席"),
    ("fuzhuxi", "副主席"),
    ("changwei", "常委"),
    ("zhiwei", "执委"),
    ("huiyuan", "会员"),
    # 商会 posts
    ("huizhang", "会长"),
    ("fuhuizhang", "副会长"),
    ("mishuzhang", "秘书长"),
    ("lishi", "理事"),
]

# GB/T 4762 政治面貌代码 (short labels).
POLITICAL_AFFILIATIONS = [
    ("01", "中共党员"),
    ("02", "中共预备党员"),
    ("03", "共青团员"),
    ("04", "民革党员"),
    ("05", "民盟盟员"),
    ("06", "民建会员"),
    ("07", "民进会员"),
    ("08", "农工党党员"),
    ("09", "致公党党员"),
    ("10", "九三学社社员"),
    ("11", "台盟盟员"),
    ("12", "无党派人士"),
    ("13", "群众"),
]

# GB 3304 中国各民族名称的罗马字母拼写法和代码, in the standard's order.
ETHNICITIES = [
    (f"{number:02d}", name)
    for number, name in enumerate(
        [
            "汉族",
            "蒙古族",
            "回族",
            "藏族",
            "维吾尔族",
            "苗族",
            "彝族",
            "壮族",
            "布依族",
            "朝鲜族",
            "满族",
            "侗族",
            "瑶族",
            "白族",
            "土家族",
            "哈尼族",
            "哈萨克族",
            "傣族",
            "黎族",
            "傈僳族",
            "佤族",
            "畲族",
            "高山族",
            "拉祜族",
            "水族",
            "东乡族",
            "纳西族",
            "景颇族",
            "柯尔克孜族",
            "土族",
            "达斡尔族",
            "仫佬族",
            "羌族",
            "布朗族",
            "撒拉族",
            "毛南族",
            "仡佬族",
            "锡伯族",
            "阿昌族",
            "普米族",
            "塔吉克族",
            "怒族",
            "乌孜别克族",
            "俄罗斯族",
            "鄂温克族",
            "德昂族",
            "保安族",
            "裕固族",
            "京族",
            "塔塔尔族",
            "独龙族",
            "鄂伦春族",
            "赫哲族",
            "门巴族",
            "珞巴族",
            "基诺族",
        ],
        start=1,
    )
]

DEFAULT_DICTIONARIES = {
    DictionaryItem.Kind.ENTERPRISE_TAG: ENTERPRISE_TAGS,
    DictionaryItem.Kind.MEMBER_POST: MEMBER_POSTS,
    DictionaryItem.Kind.POLITICAL_AFFILIATION: POLITICAL_AFFILIATIONS,
    DictionaryItem.Kind.ETHNICITY: ETHNICITIES,
}


def load_dictionaries() -> int:
    """Create the default dictionary items that are missing; return how many defaults there are.

    An item is matched on (kind, code). Existing items are never changed, so
    staff edits to label, order or active survive. A default whose label is
    already used by another item of the same kind is skipped (the label is
    unique per kind; staff have taken it over).
    """
    total = 0
    with transaction.atomic():
        existing_codes = set(DictionaryItem.objects.values_list("kind", "code"))
        existing_labels = set(DictionaryItem.objects.values_list("kind", "label"))
        to_create = []
        for kind, items in DEFAULT_DICTIONARIES.items():
            for order, (code, label) in enumerate(items, start=1):
                total += 1
                if (kind, code) in existing_codes or (kind, label) in existing_labels:
                    continue
                to_create.append(DictionaryItem(kind=kind, code=code, label=label, order=order))
        DictionaryItem.objects.bulk_create(to_create)
    return total


def load_all() -> dict[str, int]:
    """Load every kind of reference data in one transaction."""
    with transaction.atomic():
        return {
            "streets": load_streets(),
            "industries": load_industries(),
            "size_thresholds": load_size_thresholds(),
            "dictionaries": load_dictionaries(),
        }
