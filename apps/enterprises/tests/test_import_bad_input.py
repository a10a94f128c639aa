"""Bad input (issue 3): each gets a clear Chinese message, and nothing is written."""

import random
import zipfile
from datetime import date

import pytest
from django.utils import translation

from apps.core.demo import make_uscc
from apps.enterprises.imports import pipeline
from apps.enterprises.imports.report import ErrorSink
from apps.enterprises.imports.testing import (
    drop_cached_values,
    replace_part,
    template_headers,
    write_csv,
    write_xlsx,
)
from apps.enterprises.models import Enterprise, LedgerEntry
from apps.enterprises.tests.factories import EnterpriseFactory, industry
from apps.registry.models import DictionaryItem

ROSTER = template_headers("roster")
LEDGER = template_headers("ledger")


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def reference(street_a, street_b):
    industry("6513")
    DictionaryItem.objects.create(kind="enterprise_tag", code="zjtx", label="专精特新")
    DictionaryItem.objects.create(kind="enterprise_tag", code="gxjs", label="高新技术企业")
    return street_a


def codes(n, seed=1):
    rng = random.Random(seed)
    return [make_uscc(rng) for _ in range(n)]


def run(kind, path, user, apply=True):
    sink = ErrorSink()
    outcome = pipeline.run(kind=kind, path=path, user=user, sink=sink, apply=apply, name="f")
    return outcome, list(sink.all())


def reasons(errors):
    return " | ".join(e.reason for e in errors)


def nothing_written(enterprises=None):
    expected = Enterprise.objects.filter(pk__in=enterprises or []).count()
    return Enterprise.objects.count() == expected and LedgerEntry.objects.count() == 0


# --- the file itself -------------------------------------------------------------


def test_png_renamed_xlsx_is_refused(reference, district_admin, tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    _outcome, errors = run("roster", path, district_admin)
    assert "既不是 Excel" in reasons(errors) or "不是" in reasons(errors)
    assert errors[0].row == 0 and nothing_written()


def test_exe_is_refused(reference, district_admin, tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 500)
    outcome, errors = run("roster", path, district_admin)
    assert not outcome.ok and "CSV" in reasons(errors) and nothing_written()


def test_empty_file_is_refused(reference, district_admin, tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(b"")
    _outcome, errors = run("roster", path, district_admin)
    assert "文件是空的" in reasons(errors) and nothing_written()


def test_header_only_file_says_no_rows(reference, district_admin, tmp_path):
    path = write_csv(tmp_path / "a.csv", ROSTER, [])
    outcome, _errors = run("roster", path, district_admin)
    assert outcome.ok and outcome.rows == 0 and nothing_written()


def test_xlsx_unpacking_past_50_mb_is_refused(reference, district_admin, tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (60 * 1024 * 1024))
    assert path.stat().st_size < 1024 * 1024
    _outcome, errors = run("roster", path, district_admin)
    assert "50 MB" in reasons(errors) and nothing_written()


def test_xlsx_with_extreme_compression_ratio_is_refused(reference, district_admin, tmp_path):
    path = tmp_path / "ratio.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (20 * 1024 * 1024))
    _outcome, errors = run("roster", path, district_admin)
    assert "压缩" in reasons(errors) and nothing_written()


def test_entity_bomb_in_shared_strings_is_refused_without_expanding(
    reference, district_admin, tmp_path
):
    path = write_xlsx(tmp_path / "a.xlsx", ROSTER[:4], [[codes(1)[0], "甲", "建外", "6513"]])
    lol = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{(f"&lol{i - 1};") * 10}">' for i in range(1, 10)
    ]
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE sst [' + "".join(lol) + "]>"
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        'uniqueCount="1"><si><t>&lol9;</t></si></sst>'
    ).encode()
    replace_part(path, "xl/sharedStrings.xml", bomb)
    _outcome, errors = run("roster", path, district_admin)
    assert "DTD" in reasons(errors) and nothing_written()


# --- headers -----------------------------------------------------------------------


def test_missing_and_unknown_headers_are_listed(reference, district_admin, tmp_path):
    path = write_csv(
        tmp_path / "a.csv", ["统一社会信用代码", "企业名称", "电子邮箱"], [["x", "y", "z"]]
    )
    _outcome, errors = run("roster", path, district_admin)
    text = reasons(errors)
    assert "所属街乡*" in text and "行业代码*" in text and "电子邮箱" in text
    assert nothing_written()


def test_merged_title_row_above_header_is_skipped(reference, district_admin, tmp_path):
    code = codes(1)[0]
    path = write_xlsx(
        tmp_path / "a.xlsx",
        ROSTER[:4],
        [[code, "北京甲有限公司", "建外", "6513"]],
        title="2025年朝阳区企业名录",
    )
    outcome, errors = run("roster", path, district_admin)
    assert outcome.ok, errors
    assert Enterprise.objects.get().uscc == code


def test_header_split_over_two_merged_rows_is_read(reference, district_admin, tmp_path):
    import xlsxwriter

    ent = EnterpriseFactory(street=reference)
    path = tmp_path / "a.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.merge_range("A1:A2", "统一社会信用代码")
    sheet.merge_range("B1:B2", "年度")
    sheet.merge_range("C1:C2", "季度")
    sheet.merge_range("D1:E1", "财务指标")
    sheet.write_row("D2", ["营业收入(万元)", "从业人员(人)"])
    sheet.write_row("A3", [ent.uscc, 2025, 1, 100, 7])
    book.close()
    outcome, errors = run("ledger", path, district_admin)
    assert outcome.ok, errors
    assert LedgerEntry.objects.get().employees == 7


def test_header_with_other_unit_is_unknown(reference, district_admin, tmp_path):
    path = write_csv(tmp_path / "a.csv", ["统一社会信用代码", "年度", "季度", "营业收入(元)"], [])
    _outcome, errors = run("ledger", path, district_admin)
    assert "营业收入(元)" in reasons(errors)


# --- values that work ---------------------------------------------------------------


def test_gbk_csv_works(reference, district_admin, tmp_path):
    code = codes(1)[0]
    path = write_csv(
        tmp_path / "a.csv", ROSTER[:4], [[code, "北京甲科技有限公司", "建外", "6513"]], "gbk"
    )
    outcome, errors = run("roster", path, district_admin)
    assert outcome.ok, errors
    assert Enterprise.objects.get().name == "北京甲科技有限公司"


def test_utf8_bom_csv_works(reference, district_admin, tmp_path):
    code = codes(1)[0]
    path = write_csv(
        tmp_path / "a.csv", ROSTER[:4], [[code, "北京甲科技有限公司", "建外", "6513"]], "utf-8-sig"
    )
    outcome, errors = run("roster", path, district_admin)
    assert outcome.ok, errors


def test_full_width_digits_and_spaces_work(reference, district_admin, tmp_path):
    ent = EnterpriseFactory(street=reference)
    path = write_csv(
        tmp_path / "a.csv",
        LEDGER,
        [
            [
                f"　{ent.uscc} ",
                "２０２５",
                "１",
                "单季",
                "１２３．４５",
                "",
                "",
                "",
                "　５６　",
                "１，０００",
            ]
        ],
    )
    outcome, errors = run("ledger", path, district_admin)
    assert outcome.ok, errors
    entry = LedgerEntry.objects.get()
    assert (entry.year, str(entry.revenue), entry.employees, entry.total_assets) == (
        2025,
        "123.45",
        56,
        1000,
    )


def test_thousands_separators_work(reference, district_admin, tmp_path):
    ent = EnterpriseFactory(street=reference)
    path = write_csv(
        tmp_path / "a.csv",
        LEDGER,
        [[ent.uscc, 2025, 2, "", "1,234,567.891", "", "", "", "1,200", ""]],
    )
    outcome, errors = run("ledger", path, district_admin)
    assert outcome.ok, errors
    entry = LedgerEntry.objects.get()
    assert str(entry.revenue) == "1234567.89" and entry.employees == 1200


@pytest.mark.parametrize(
    "cell", ["2024-01-05", "2024/1/5", "2024年1月5日", "20240105", "2024.01.05", 45296]
)
def test_dates_as_text_and_excel_serials_work(reference, district_admin, tmp_path, cell):
    code = codes(1)[0]
    path = write_xlsx(
        tmp_path / "a.xlsx",
        [*ROSTER[:4], "成立日期"],
        [[code, "北京甲有限公司", "建外", "6513", cell]],
    )
    outcome, errors = run("roster", path, district_admin)
    assert outcome.ok, errors
    assert Enterprise.objects.get().established == date(2024, 1, 5)


def test_formula_cached_value_is_used(reference, district_admin, tmp_path):
    ent = EnterpriseFactory(street=reference)
    path = write_xlsx(tmp_path / "a.xlsx", LEDGER[:5], [[ent.uscc, 2025, 1, "单季", "=100+23"]])
    # xlsxwriter stores 0 as the cached value unless told; set a real cache.
    import re

    with zipfile.ZipFile(path) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    replace_part(
        path,
        "xl/worksheets/sheet1.xml",
        re.sub(rb"<f>100\+23</f><v>0</v>", b"<f>100+23</f><v>123</v>", sheet),
    )
    outcome, errors = run("ledger", path, district_admin)
    assert outcome.ok, errors
    assert LedgerEntry.objects.get().revenue == 123


def test_formula_without_cached_value_is_an_error(reference, district_admin, tmp_path):
    ent = EnterpriseFactory(street=reference)
    path = write_xlsx(tmp_path / "a.xlsx", LEDGER[:5], [[ent.uscc, 2025, 1, "单季", "=100+23"]])
    drop_cached_values(path)
    _outcome, errors = run("ledger", path, district_admin)
    assert [(e.row, e.column) for e in errors] == [(2, "营业收入(万元)")]
    assert "公式" in errors[0].reason and nothing_written([ent.pk])


# --- row errors ----------------------------------------------------------------------


def test_invalid_credit_code_is_a_row_error(reference, district_admin, tmp_path):
    good = codes(1)[0]
    path = write_csv(
        tmp_path / "a.csv",
        ROSTER[:4],
        [
            [good, "北京甲有限公司", "建外", "6513"],
            ["91110105MA0000001A", "北京乙有限公司", "建外", "6513"],
        ],
    )
    _outcome, errors = run("roster", path, district_admin)
    assert [(e.row, e.column) for e in errors] == [(3, "统一社会信用代码*")]
    assert "统一社会信用代码" in errors[0].reason and nothing_written()


def test_duplicate_credit_code_is_an_error_on_both_rows(reference, district_admin, tmp_path):
    code = codes(1)[0]
    path = write_csv(
        tmp_path / "a.csv",
        ROSTER[:4],
        [
            [code, "北京甲有限公司", "建外", "6513"],
            [codes(1, 2)[0], "北京丙有限公司", "建外", "6513"],
            [code, "北京乙有限公司", "建外", "6513"],
        ],
    )
    _outcome, errors = run("roster", path, district_admin)
    assert sorted(e.row for e in errors) == [2, 4]
    assert "多次" in errors[0].reason and nothing_written()


def test_duplicate_ledger_quarter_is_an_error_on_both_rows(reference, district_admin, tmp_path):
    ent = EnterpriseFactory(street=reference)
    path = write_csv(
        tmp_path / "a.csv", LEDGER[:5], [[ent.uscc, 2025, 1, "", 1], [ent.uscc, 2025, 1, "", 2]]
    )
    _outcome, errors = run("ledger", path, district_admin)
    assert sorted(e.row for e in errors) == [2, 3] and nothing_written([ent.pk])


def test_unknown_street_and_industry_are_row_errors(reference, district_admin, tmp_path):
    path = write_csv(
        tmp_path / "a.csv", ROSTER[:4], [[codes(1)[0], "北京甲有限公司", "火星", "9999"]]
    )
    _outcome, errors = run("roster", path, district_admin)
    assert [e.column for e in errors] == ["所属街乡*", "行业代码*"]
    assert "街乡" in errors[0].reason and "行业" in errors[1].reason and nothing_written()


def test_unknown_tag_is_a_row_error(reference, district_admin, tmp_path):
    path = write_csv(
        tmp_path / "a.csv",
        [*ROSTER[:4], "企业标签"],
        [[codes(1)[0], "北京甲有限公司", "建外", "6513", "专精特新、独角兽"]],
    )
    _outcome, errors = run("roster", path, district_admin)
    assert "独角兽" in reasons(errors) and nothing_written()


@pytest.mark.parametrize("quarter", [0, 5, "五"])
def test_quarter_outside_1_to_4_is_a_row_error(reference, district_admin, tmp_path, quarter):
    ent = EnterpriseFactory(street=reference)
    path = write_csv(tmp_path / "a.csv", LEDGER[:3], [[ent.uscc, 2025, quarter]])
    _outcome, errors = run("ledger", path, district_admin)
    assert [e.column for e in errors] == ["季度*"] and "1、2、3 或 4" in errors[0].reason
    assert nothing_written([ent.pk])


def test_negative_employees_is_a_row_error(reference, district_admin, tmp_path):
    ent = EnterpriseFactory(street=reference)
    path = write_csv(
        tmp_path / "a.csv", LEDGER, [[ent.uscc, 2025, 1, "", "", "", "", "", "-3", ""]]
    )
    _outcome, errors = run("ledger", path, district_admin)
    assert [e.column for e in errors] == ["从业人员(人)"] and "负" in errors[0].reason
    assert nothing_written([ent.pk])


def test_text_in_a_number_column_is_a_row_error(reference, district_admin, tmp_path):
    ent = EnterpriseFactory(street=reference)
    path = write_csv(
        tmp_path / "a.csv", LEDGER, [[ent.uscc, 2025, 1, "", "约一百万", "", "", "", "", ""]]
    )
    _outcome, errors = run("ledger", path, district_admin)
    assert [(e.column, e.value) for e in errors] == [("营业收入(万元)", "约一百万")]
    assert "数字" in errors[0].reason and nothing_written([ent.pk])


def test_every_bad_row_is_reported(reference, district_admin, tmp_path):
    ent = EnterpriseFactory(street=reference)
    rows = [[ent.uscc, 2025, (i % 4) + 1, "", "x"] for i in range(300)]
    path = write_csv(tmp_path / "a.csv", LEDGER[:5], rows)
    outcome, errors = run("ledger", path, district_admin)
    assert outcome.error_count >= 300 and len({e.row for e in errors}) == 300
    assert nothing_written([ent.pk])


def test_full_width_digits_alone_are_normalised_not_passed_through(
    reference, district_admin, tmp_path
):
    # "１００" is all digits to Python's \d: it must still be normalised to 100, in csv
    # text and in xlsx text cells alike, never handed to the database as it stands.
    ent = EnterpriseFactory(street=reference)
    row = [ent.uscc, "２０２５", "１", "", "１００", "", "", "", "１２", "１０"]
    for writer, name in ((write_csv, "a.csv"), (write_xlsx, "a.xlsx")):
        outcome, errors = run("ledger", writer(tmp_path / name, LEDGER, [row]), district_admin)
        assert outcome.applied, errors
    entry = LedgerEntry.objects.get()
    assert (entry.year, entry.revenue, entry.employees, entry.total_assets) == (2025, 100, 12, 10)


@pytest.mark.parametrize("employees", ["10000001", 10000001.0, 12.5, True])
def test_employee_count_out_of_range_or_not_whole_is_a_row_error(
    reference, district_admin, tmp_path, employees
):
    ent = EnterpriseFactory(street=reference)
    path = write_xlsx(
        tmp_path / "a.xlsx", LEDGER, [[ent.uscc, 2025, 1, "", 100.0, "", "", "", employees, ""]]
    )
    _outcome, errors = run("ledger", path, district_admin)
    assert [(e.row, e.column) for e in errors] == [(2, "从业人员(人)")], errors
    assert nothing_written([ent.pk])


def test_money_with_more_than_two_decimals_is_rounded_half_up(reference, district_admin, tmp_path):
    ent = EnterpriseFactory(street=reference)
    path = write_xlsx(
        tmp_path / "a.xlsx",
        LEDGER,
        [[ent.uscc, 2025.0, 1.0, "单季", 0.125, -2.675, 1 / 3, 1234.5, 7.0, 99.99]],
    )
    outcome, errors = run("ledger", path, district_admin)
    assert outcome.applied, errors
    e = LedgerEntry.objects.get()
    # 0.125 is exact in binary: half up gives 0.13 (round-half-even would give 0.12).
    assert [str(v) for v in (e.revenue, e.profit, e.tax, e.rd_expense, e.total_assets)] == [
        "0.13",
        "-2.68",
        "0.33",
        "1234.50",
        "99.99",
    ]
    assert e.employees == 7
