"""Generate demo enterprises with their ledger, one at a time (no database writes)."""

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from apps.core.demo import make_uscc, person_name
from apps.enterprises import search, sizing
from apps.enterprises.models import LedgerSource, MemberStatus, RegistrationType, Status

from .vocab import (
    CAPITALS,
    DEFAULT_SEASON,
    ECONOMICS,
    NOT_BEIJING,
    NOTES,
    OTHER_BEIJING,
    REGISTRATION_WEIGHTS,
    ROADS,
    SEASONS,
    SECTION_WEIGHTS,
    SHOPS,
    STREET_WEIGHTS,
    TRADES,
    WORD_CHARS,
)

QUARTERS = 12
PERSONA_STREETS = ("110105001000", "110105002000")  # 建外, 朝外
PER_PERSONA_STREET = 30


def periods(today: date | None = None, n: int = QUARTERS) -> list[tuple[int, int]]:
    """The n quarters ending at the last complete quarter before today, oldest first."""
    today = today or date.today()
    last = today.year * 4 + (today.month - 1) // 3 - 1  # quarters since year 0, zero-based
    return [((k // 4), k % 4 + 1) for k in range(last - n + 1, last + 1)]


@dataclass(frozen=True)
class Reference:
    """What the generator needs from the reference tables, loaded once."""

    streets: list[tuple[int, str, str]]  # id, code, short name
    street_cum: list[float]
    sections: list[str]
    section_cum: list[float]
    classes: dict[str, list[tuple[int, str]]]  # section -> [(id, code)] of level-4 classes
    by_code: dict[str, int]
    section_of: dict[str, str]  # class code -> section
    tags: dict[str, int]  # dictionary code -> id

    @classmethod
    def load(cls) -> "Reference":
        from apps.registry.models import DictionaryItem, Industry, Street

        streets = list(Street.objects.order_by("code").values_list("id", "code", "short_name"))
        classes: dict[str, list[tuple[int, str]]] = {}
        by_code, section_of = {}, {}
        for pk, code, section in Industry.objects.filter(level=4).values_list(
            "id", "code", "section"
        ):
            by_code[code] = pk
            section_of[code] = section
            if section in SECTION_WEIGHTS:
                classes.setdefault(section, []).append((pk, code))
        if not streets or not classes:
            raise RuntimeError("Load the reference data first: manage.py load_reference")
        sections = sorted(classes)
        tags = dict(DictionaryItem.objects.filter(kind="enterprise_tag").values_list("code", "id"))
        return cls(
            streets=streets,
            street_cum=_cumulative([STREET_WEIGHTS.get(s[2], 1) for s in streets]),
            sections=sections,
            section_cum=_cumulative([SECTION_WEIGHTS[s] for s in sections]),
            classes=classes,
            by_code=by_code,
            section_of=section_of,
            tags=tags,
        )


def _cumulative(weights) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


@dataclass(slots=True)
class DemoEnterprise:
    uscc: str
    name: str
    former_names: list[str]
    street_id: int
    industry_id: int
    industry_code: str
    registration_type: str
    established: date
    registered_capital: str | None
    legal_representative: str
    address: str
    contact_phone: str
    member_status: str
    status: str
    size_class: str = "unknown"
    search_grams: str = ""
    name_initials: str = ""
    tag_ids: list[int] = field(default_factory=list)
    # (year, quarter, revenue, profit, tax, rd_expense, employees, total_assets, source)
    ledger: list[tuple] = field(default_factory=list)
    notes: list[tuple[date, str]] = field(default_factory=list)
    industry_section: str = ""


class _Names:
    """Unique Chinese company names and their pinyin initials, assembled from parts."""

    def __init__(self, rng: random.Random, taken: set[str]):
        self.rng = rng
        self.taken = taken
        self._initials: dict[str, str] = {}

    def initials(self, *parts: str) -> str:
        cache = self._initials
        out = []
        for part in parts:
            if part not in cache:
                cache[part] = search.initials(part)
            out.append(cache[part])
        return "".join(out)

    def trade(self, code: str, section: str) -> str:
        words = TRADES.get(code) or TRADES.get(code[:3]) or TRADES.get(code[:2]) or TRADES[section]
        return self.rng.choice(words.split())

    def make(self, *, code: str, section: str, kind: str, large: bool) -> tuple[str, str, str]:
        """(name, initials, shop industry code or "") not used by any enterprise so far."""
        rng = self.rng
        for attempt in range(20):
            word = "".join(rng.sample(WORD_CHARS, 2 if attempt < 4 else 3))
            shop_code = ""
            if kind == RegistrationType.INDIVIDUAL:
                shop, shop_code = rng.choice(SHOPS)
                parts = ("北京市朝阳区", word, shop)
            elif kind in (RegistrationType.FOREIGN, RegistrationType.HMT):
                parts = (word, "（北京）", self.trade(code, section), "有限公司")
            else:
                prefix = "北京" if rng.random() < 0.9 else "北京市"
                suffix = "股份有限公司" if large and rng.random() < 0.4 else "有限公司"
                if rng.random() < 0.15:
                    suffix = "有限责任公司"
                parts = (prefix, word, self.trade(code, section), suffix)
            name = "".join(parts)
            if name not in self.taken:
                self.taken.add(name)
                return name, self.initials(*parts), shop_code
        raise RuntimeError("could not find an unused company name")


def _nice_capital(value: float) -> str:
    return f"{min(CAPITALS, key=lambda c: abs(math.log(c) - math.log(max(value, 1))))}.00"


def _phone(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.05:
        return ""
    if r < 0.6:
        return f"010-{rng.choice('568')}{rng.randrange(10**6, 10**7)}"
    return f"1{rng.choice('35789')}{rng.randrange(10**8, 10**9)}"


def _address(rng: random.Random, short_name: str) -> str:
    roads = ROADS.get(short_name)
    road = (
        rng.choice(roads.split())
        if roads
        # 和平街 → 和平中街, not 和平街中街
        else short_name.removesuffix("街")
        + rng.choice(["路", "北路", "南路", "东路", "西街", "中街"])
    )
    tail = rng.random()
    if tail < 0.5:
        return (
            f"北京市朝阳区{road}{rng.randint(1, 99)}号院{rng.randint(1, 12)}号楼"
            f"{rng.randint(1, 28)}{rng.randint(1, 20):02d}室"
        )
    if tail < 0.85:
        return f"北京市朝阳区{road}{rng.randint(1, 199)}号{rng.randint(1, 30)}层"
    return f"北京市朝阳区{road}{rng.randint(1, 199)}号"


def _m(x: float | None) -> str | None:
    return None if x is None else f"{x:.2f}"


def _ledger(rng, ent_section, annual, employees0, assets0, quarters, *, anomaly=None, clean=False):
    """Single-quarter ledger rows with growth, seasonality and noise (see module doc)."""
    season = SEASONS.get(ent_section, DEFAULT_SEASON)
    growth = rng.gauss(0.04, 0.15)
    margin = rng.gauss(0.05, 0.08)
    tax_rate = rng.uniform(0.03, 0.08)
    roll = rng.random()
    if ent_section in "IM":
        rd_rate = rng.uniform(0.04, 0.18) if roll < 0.8 else 0.0
    elif ent_section == "C":
        rd_rate = rng.uniform(0.01, 0.05) if roll < 0.6 else 0.0
    else:
        rd_rate = rng.uniform(0.0, 0.02) if roll < 0.1 else 0.0
    rows = []
    for i, (year, quarter) in enumerate(quarters):
        trend = (1 + growth) ** (i / 4) if growth > -1 else 0.1
        revenue = annual / 4 * trend * season[quarter - 1] * rng.lognormvariate(0, 0.1)
        profit = revenue * (margin + rng.gauss(0, 0.02))
        tax = revenue * tax_rate * rng.uniform(0.85, 1.15)
        rd = revenue * rd_rate
        employees = max(1, round(employees0 * math.sqrt(trend) * rng.uniform(0.95, 1.05)))
        assets = assets0 * trend * rng.uniform(0.97, 1.03)
        kind = anomaly[1] if anomaly and anomaly[0] == i else None
        r = rng.random()
        if kind is None and r < 0.006 and not clean:
            kind = ("tax", "unit", "negative", "no_staff")[int(r / 0.0015)]
        if kind == "tax":
            tax = revenue * rng.uniform(1.1, 3)
        elif kind == "unit":
            revenue, profit, tax, rd = revenue * 10, profit * 10, tax * 10, rd * 10
        elif kind == "negative":
            revenue, profit, tax = -revenue * rng.uniform(0.05, 0.3), -abs(profit), 0.0
        elif kind == "no_staff":
            employees = 0
        r = rng.random()
        row = [year, quarter, _m(revenue), _m(profit), _m(tax), _m(rd), employees, _m(assets)]
        if clean:
            pass
        elif r < 0.01:
            row[rng.choice((5, 6, 7))] = None  # left empty in the source file
        elif r < 0.013:
            row[2] = None
        rows.append(row)
    return rows


def generate(
    ref: Reference,
    rng: random.Random,
    count: int,
    *,
    quarters: list[tuple[int, int]],
    taken_codes: set[str],
    taken_names: set[str],
    street_code: str | None = None,
    uscc: str | None = None,
) -> Iterator[DemoEnterprise]:
    """Yield `count` new enterprises, each with its ledger, one at a time.

    The first ones are laid out so any scale shows every feature where the street
    personas look: 30 in 建外 and 30 in 朝外 (with forced anomalies, a non-Beijing code,
    members, former names, a deregistered and a moved-out one), then one in every other
    街乡, and one of every section.
    """
    names = _Names(rng, taken_names)
    street_by_code = {s[1]: s for s in ref.streets}
    others = [s for s in ref.streets if s[1] not in PERSONA_STREETS]
    first_start = date(quarters[0][0], quarters[0][1] * 3 - 2, 1)
    latest_quarter = len(quarters) - 1
    tag = ref.tags.get
    forced = {  # position within a persona street's 30 -> feature
        0: "member", 1: "member", 2: "former", 3: ("anomaly", "tax"), 4: ("anomaly", "unit"),
        5: ("anomaly", "negative"), 6: ("anomaly", "no_staff"), 7: "not_beijing",
        8: "deregistered", 9: "moved_out", 10: "late", 11: "large",
    }  # fmt: skip
    for i in range(count):
        feature = "persona" if uscc else None
        if street_code:
            street = street_by_code[street_code]
        elif i < PER_PERSONA_STREET * 2:
            street = street_by_code.get(PERSONA_STREETS[i // PER_PERSONA_STREET])
            feature = forced.get(i % PER_PERSONA_STREET)
            street = street or rng.choices(ref.streets, cum_weights=ref.street_cum)[0]
        elif i - PER_PERSONA_STREET * 2 < len(others):
            street = others[i - PER_PERSONA_STREET * 2]
        else:
            street = rng.choices(ref.streets, cum_weights=ref.street_cum)[0]

        if feature == "persona" and "I" in ref.classes:
            section = "I"  # the enterprise persona is a software firm: filings, R&D, tags
        elif i < len(ref.sections):
            section = ref.sections[i]
        else:
            section = rng.choices(ref.sections, cum_weights=ref.section_cum)[0]
        industry_id, code = rng.choice(ref.classes[section])
        kind = rng.choices(*zip(*REGISTRATION_WEIGHTS, strict=True))[0]
        if (i < len(ref.sections) or feature == "persona") and kind == RegistrationType.INDIVIDUAL:
            kind = RegistrationType.PRIVATE  # keep the section the loop asked for

        median, per_employee, asset_ratio = ECONOMICS[section]
        annual = rng.lognormvariate(math.log(median), 1.5)
        if feature == "large":
            annual = max(annual, 60_000.0)
        if kind == RegistrationType.INDIVIDUAL:
            annual = min(annual, rng.uniform(10, 200))
        employees0 = max(1.0, annual / rng.lognormvariate(math.log(per_employee), 0.5))
        assets0 = annual * rng.lognormvariate(math.log(asset_ratio), 0.6)

        name, initials, shop_code = names.make(
            code=code, section=section, kind=kind, large=annual > 20_000
        )
        if shop_code and shop_code in ref.by_code:
            code, industry_id = shop_code, ref.by_code[shop_code]
            section = ref.section_of.get(code, section)

        if uscc:
            code_value = uscc
        else:
            roll = rng.random()
            region = "110105"
            if feature == "not_beijing" or roll < 0.0005:
                region = rng.choice(NOT_BEIJING)
            elif roll < 0.03:
                region = rng.choice(OTHER_BEIJING)
            code_kind = "2" if kind == RegistrationType.INDIVIDUAL else "1"
            code_value = make_uscc(rng, region, code_kind)
            while code_value in taken_codes:
                code_value = make_uscc(rng, region, code_kind)
        taken_codes.add(code_value)

        former: list[str] = []
        if feature == "former" or rng.random() < 0.06:
            for _ in range(2 if rng.random() < 0.15 else 1):
                old, _i, _s = names.make(code=code, section=section, kind=kind, large=False)
                former.append(old)

        status = Status.ACTIVE
        roll = rng.random()
        if feature == "deregistered" or (feature is None and roll < 0.02):
            status = Status.DEREGISTERED
        elif feature == "moved_out" or (feature is None and roll < 0.03):
            status = Status.MOVED_OUT
        anomaly = None
        if isinstance(feature, tuple):
            anomaly = (latest_quarter, feature[1])
        ledger = _ledger(
            rng, section, annual, employees0, assets0, quarters,
            anomaly=anomaly, clean=feature == "persona",
        )  # fmt: skip
        if status != Status.ACTIVE:
            del ledger[rng.randint(4, latest_quarter) :]
        elif feature == "late" or (feature is None and rng.random() < 0.015):
            ledger.pop()

        member = MemberStatus.NONE
        p_member = 0.04 + (0.2 if annual >= 1000 else 0) + (0.2 if annual >= 10_000 else 0)
        roll = rng.random()
        if feature in ("member", "persona") or roll < p_member:
            member = MemberStatus.MEMBER
        elif roll < p_member + 0.005:
            member = MemberStatus.APPLICANT
        source = LedgerSource.FILING if member == MemberStatus.MEMBER else LedgerSource.IMPORT
        for n, row in enumerate(ledger):
            recent = n >= latest_quarter - 3
            row.append(source if recent else LedgerSource.IMPORT)

        established = first_start - timedelta(days=1 + int(rng.expovariate(1 / 2600)))
        established = max(established, date(1984, 1, 1))
        ent = DemoEnterprise(
            uscc=code_value,
            name=name,
            former_names=former,
            street_id=street[0],
            industry_id=industry_id,
            industry_code=code,
            industry_section=section,
            registration_type=kind,
            established=established,
            registered_capital=(
                None
                if kind == RegistrationType.INDIVIDUAL
                else _nice_capital(annual * rng.lognormvariate(-0.7, 1.0))
            ),
            legal_representative=person_name(rng),
            address=_address(rng, street[2]),
            contact_phone=_phone(rng),
            member_status=member,
            status=status,
            name_initials=initials,
            search_grams=search.search_grams(name, former),
        )
        ent.ledger = [tuple(row) for row in ledger]
        ent.size_class = _size_class(code, ent.ledger)
        ent.tag_ids = [t for t in _tags(rng, ent, annual, section, tag) if t]
        if rng.random() < 0.05 or (feature and i % 2 == 0):
            day = first_start + timedelta(days=rng.randint(0, 365 * 3 - 1))
            ent.notes.append((day, rng.choice(NOTES)))
        yield ent


def _size_class(industry_code: str, ledger: list[tuple]) -> str:
    """sizing.classify on the figures services.latest_figures would read."""
    latest_first = [(r[0], r[1], r[2], r[6], r[7]) for r in reversed(ledger[-4:])]
    return sizing.classify(industry_code, sizing.figures_from_rows(latest_first))


def _tags(rng, ent: DemoEnterprise, annual: float, section: str, tag) -> list:
    out = []
    r = rng.random
    tech = section in "ICM"
    threshold = {"B": 2000, "C": 2000, "D": 2000, "F": 2000, "H": 200}.get(section, 1000)
    if annual >= threshold:
        out.append(tag("gsqy"))
    if tech and annual >= 200 and r() < 0.25:
        out.append(tag("gxjs"))
    if section in "IM" and ent.size_class in ("small", "micro", "medium") and r() < 0.15:
        out.append(tag("kjxzx"))
    if tech and annual >= 1000 and r() < 0.12:
        out.append(tag("zjtx"))
        if annual >= 5000 and r() < 0.2:
            out.append(tag("zjtx_xjr"))
    if annual >= 50_000 and r() < 0.3:
        out.append(tag("ssgs"))
    if annual >= 200_000 and r() < 0.5:
        out.append(tag("my500"))
    if section == "I" and annual >= 50_000 and r() < 0.1:
        out.append(tag("djs"))
    if section in "FH" and ent.established.year < 1995 and r() < 0.05:
        out.append(tag("zhlzh"))
    if ent.registration_type in (RegistrationType.FOREIGN, RegistrationType.HMT):
        out.append(tag("wzqy"))
    return out
