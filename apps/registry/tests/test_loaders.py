import csv
import shutil
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Count

from apps.registry import loaders
from apps.registry.models import DictionaryItem, Industry, SizeThreshold, Street

SCOPE_EXPECTED = {
    "A (01-05)": (["01", "02", "03", "04", "05"], []),
    "B, C, D (06-46)": ([f"{n:02d}" for n in range(6, 47)], []),
    "E (47-50)": (["47", "48", "49", "50"], []),
    "51": (["51"], []),
    "52": (["52"], []),
    "53-58 (except 531 rail)": (["53", "54", "55", "56", "57", "58"], ["531"]),
    "59": (["59"], []),
    "60": (["60"], []),
    "61": (["61"], []),
    "62": (["62"], []),
    "63, 64": (["63", "64"], []),
    "65": (["65"], []),
    "7010": (["7010"], []),
    "7020": (["7020"], []),
    "71, 72": (["71", "72"], []),
    (
        "M (73-75), N (76-79), O (80-82), 85 社会工作, R (86-90), "
        "7030 房地产中介, 7090 其他房地产业"
    ): (
        [f"{n:02d}" for n in range(73, 83)]
        + ["85"]
        + [f"{n:02d}" for n in range(86, 91)]
        + ["7030", "7090"],
        [],
    ),
}


def _size_rows():
    with (loaders.FIXTURE_DIR / loaders.SIZE_THRESHOLDS_CSV).open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _snapshot():
    return {
        "streets": list(Street.objects.order_by("code").values()),
        "industries": list(Industry.objects.order_by("code").values()),
        "thresholds": list(SizeThreshold.objects.order_by("id").values()),
        "dictionaries": list(DictionaryItem.objects.order_by("id").values()),
    }


# --- parser (no database) ---------------------------------------------------


@pytest.mark.parametrize("row", _size_rows(), ids=lambda r: f"{r['group']}-{r['indicator']}")
def test_parse_scope_every_csv_row(row):
    assert loaders.parse_scope(row["gbt4754_scope"]) == SCOPE_EXPECTED[row["gbt4754_scope"]]


def test_scope_expectations_cover_the_csv():
    assert {row["gbt4754_scope"] for row in _size_rows()} == set(SCOPE_EXPECTED)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("53-58 except 531, 59", (["53", "54", "55", "56", "57", "58", "59"], ["531"])),
        ("A (01-05, except 0512, 0513)", (["01", "02", "03", "04", "05"], ["0512", "0513"])),
        ("63，64", (["63", "64"], [])),
        ("51, 51", (["51"], [])),
    ],
)
def test_parse_scope_general_forms(text, expected):
    assert loaders.parse_scope(text) == expected


@pytest.mark.parametrize("text", ["", "J", "1", "12345", "58-53", "05-100"])
def test_parse_scope_rejects_nonsense(text):
    with pytest.raises(loaders.ReferenceDataError):
        loaders.parse_scope(text)


def test_match_size_group_prefers_longest_prefix():
    rules = [("broad", ["70"], []), ("narrow", ["7010"], []), ("rail", ["53"], ["531"])]
    assert loaders.match_size_group("7010", rules) == "narrow"
    assert loaders.match_size_group("7020", rules) == "broad"
    assert loaders.match_size_group("5311", rules) is None
    assert loaders.match_size_group("5320", rules) == "rail"
    assert loaders.match_size_group("K7010", rules) == "narrow"
    assert loaders.match_size_group("", rules) is None


# --- loading ------------------------------------------------------------------


@pytest.mark.django_db
def test_load_streets():
    assert loaders.load_streets() == 43
    assert Street.objects.count() == 43
    assert Street.objects.filter(kind=Street.Kind.SUBDISTRICT).count() == 24
    assert Street.objects.filter(kind=Street.Kind.AREA).count() == 19
    chaowai = Street.objects.get(code="110105002000")
    assert (chaowai.short_name, chaowai.office_name) == ("朝外", "朝外街道办事处")
    assert str(chaowai.lon) == "116.448598"
    assert Street.objects.get(code="110105001000").lon is None


@pytest.mark.django_db
def test_load_industries():
    loaders.load_industries()
    by_level = dict(Industry.objects.values_list("level").annotate(n=Count("id")))
    assert by_level[Industry.Level.SECTION] == 20
    assert by_level[Industry.Level.DIVISION] == 97
    # The shared CSV listed 3741 飞机制造 as a second "374" row; our copy fixes it,
    # which gives one more class than the 1380 the standard's summary counts.
    assert by_level[Industry.Level.CLASS] == 1381
    assert Industry.objects.get(code="3741").name == "飞机制造"
    assert not Industry.objects.filter(level=Industry.Level.SECTION, parent__isnull=False).exists()
    assert not Industry.objects.exclude(level=Industry.Level.SECTION).filter(parent=None).exists()
    # Every parent is one level up the tree and in the same section.
    for industry in Industry.objects.exclude(level=Industry.Level.SECTION).select_related("parent"):
        assert industry.parent.level < industry.level
        assert industry.parent.section == industry.section
        if industry.level > Industry.Level.DIVISION:
            assert industry.code.startswith(industry.parent.code)
            assert industry.division_code == industry.code[:2]
    # A 中类 with a single 小类 has no row: the 小类 hangs from its 大类.
    assert Industry.objects.get(code="0190").parent.code == "01"
    assert Industry.objects.get(code="6513").parent.code == "651"
    assert Industry.objects.get(code="01").parent.code == "A"
    assert Industry.objects.get(code="05").name == "农、林、牧、渔专业及辅助性活动"


@pytest.mark.django_db
def test_load_all_twice_changes_nothing():
    first = loaders.load_all()
    assert first == {
        "streets": 43,
        "industries": Industry.objects.count(),
        "size_thresholds": 30,
        "dictionaries": 10 + 9 + 13 + 56,
    }
    before = _snapshot()
    assert loaders.load_all() == first
    assert _snapshot() == before
    for model, fields in [
        (Street, ["code"]),
        (Industry, ["code"]),
        (SizeThreshold, ["group", "indicator"]),
        (DictionaryItem, ["kind", "code"]),
    ]:
        assert not model.objects.values(*fields).annotate(n=Count("id")).filter(n__gt=1).exists()


@pytest.mark.django_db
def test_renamed_csv_rows_update(tmp_path, monkeypatch):
    for name in (loaders.STREETS_CSV, loaders.INDUSTRIES_CSV, loaders.SIZE_THRESHOLDS_CSV):
        shutil.copy(loaders.FIXTURE_DIR / name, tmp_path / name)
    monkeypatch.setattr(loaders, "FIXTURE_DIR", tmp_path)
    loaders.load_all()
    ids = dict(Industry.objects.values_list("code", "id"))

    def edit(name, old, new):
        path = tmp_path / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")

    edit(loaders.STREETS_CSV, "110105002000,朝外,朝外街道办事处", "110105002000,朝阳门外,朝外街道")
    edit(loaders.INDUSTRIES_CSV, "6513,4,应用软件开发", "6513,4,应用软件开发服务")
    edit(
        loaders.SIZE_THRESHOLDS_CSV,
        "批发业,51,employees,人,200,20,5",
        "批发业,51,employees,人,250,20,5",
    )
    counts = loaders.load_all()

    assert counts["streets"] == 43
    street = Street.objects.get(code="110105002000")
    assert (street.short_name, street.office_name) == ("朝阳门外", "朝外街道")
    assert Industry.objects.get(code="6513").name == "应用软件开发服务"
    assert dict(Industry.objects.values_list("code", "id")) == ids
    assert SizeThreshold.objects.get(group="批发业", indicator="employees").large_min == 250
    assert Street.objects.count() == 43
    assert SizeThreshold.objects.count() == 30


@pytest.mark.django_db
def test_load_size_thresholds():
    assert loaders.load_size_thresholds() == 30
    transport = SizeThreshold.objects.get(group="交通运输业", indicator="revenue")
    assert transport.include_prefixes == ["53", "54", "55", "56", "57", "58"]
    assert transport.exclude_prefixes == ["531"]
    for threshold in SizeThreshold.objects.all():
        expected = SCOPE_EXPECTED[threshold.scope_text]
        assert (threshold.include_prefixes, threshold.exclude_prefixes) == (
            list(expected[0]),
            list(expected[1]),
        )
        assert threshold.large_min >= threshold.medium_min >= threshold.small_min


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("code", "group"),
    [
        ("6513", "软件和信息技术服务业"),
        ("7010", "房地产开发经营"),
        ("7020", "物业管理"),
        ("7030", "其他未列明行业"),
        ("5311", None),  # rail is excluded
        # The CSV excludes only 531 (passenger rail); the 2017 method excludes all of
        # 铁路运输业 (53). This documents the data as it stands.
        ("5320", "交通运输业"),
        ("5411", "交通运输业"),
        ("6610", None),  # J 金融业 is not covered
        ("6940", None),
        ("8510", "其他未列明行业"),
        ("0111", "农、林、牧、渔业"),
        ("4610", "工业"),
        ("5110", "批发业"),
        ("8310", None),  # P 教育 is not covered
        ("", None),
    ],
)
def test_size_threshold_group(code, group):
    loaders.load_size_thresholds()
    assert loaders.size_threshold_group(code) == group


@pytest.mark.django_db
def test_load_dictionaries():
    assert loaders.load_dictionaries() == 88
    ethnicities = DictionaryItem.objects.filter(kind=DictionaryItem.Kind.ETHNICITY)
    assert ethnicities.count() == 56
    assert ethnicities.get(code="01").label == "汉族"
    assert ethnicities.get(code="56").label == "基诺族"
    assert set(ethnicities.values_list("code", flat=True)) == {f"{n:02d}" for n in range(1, 57)}
    affiliations = DictionaryItem.objects.filter(kind=DictionaryItem.Kind.POLITICAL_AFFILIATION)
    assert affiliations.count() == 13
    assert affiliations.get(code="13").label == "群众"
    assert DictionaryItem.objects.filter(kind=DictionaryItem.Kind.ENTERPRISE_TAG).count() == 10
    assert DictionaryItem.objects.filter(kind=DictionaryItem.Kind.MEMBER_POST).count() == 9
    for code in DictionaryItem.objects.exclude(kind=DictionaryItem.Kind.ETHNICITY).values_list(
        "code", flat=True
    ):
        assert code.isascii()


@pytest.mark.django_db
def test_load_dictionaries_keeps_staff_edits():
    loaders.load_dictionaries()
    tag = DictionaryItem.objects.get(kind=DictionaryItem.Kind.ENTERPRISE_TAG, code="zjtx")
    tag.label, tag.order, tag.active = "专精特新中小企业", 99, False
    tag.save()
    DictionaryItem.objects.get(kind=DictionaryItem.Kind.MEMBER_POST, code="lishi").delete()
    DictionaryItem.objects.filter(kind=DictionaryItem.Kind.ETHNICITY, code="02").update(code="x2")

    loaders.load_dictionaries()

    tag.refresh_from_db()
    assert (tag.label, tag.order, tag.active) == ("专精特新中小企业", 99, False)
    assert not DictionaryItem.objects.filter(
        kind=DictionaryItem.Kind.ENTERPRISE_TAG, label="专精特新"
    ).exists()
    # A missing default comes back; one whose label staff reused under another code does not.
    assert DictionaryItem.objects.filter(
        kind=DictionaryItem.Kind.MEMBER_POST, code="lishi"
    ).exists()
    assert not DictionaryItem.objects.filter(kind=DictionaryItem.Kind.ETHNICITY, code="02").exists()


@pytest.mark.django_db
def test_load_reference_command():
    out = StringIO()
    call_command("load_reference", stdout=out)
    assert "43" in out.getvalue()
    assert Street.objects.count() == 43
    assert DictionaryItem.objects.count() == 88
