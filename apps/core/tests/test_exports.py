import io

import openpyxl
import pytest

from apps.core.exports import build_xlsx, neutralise


@pytest.mark.parametrize("value", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"])
def test_formula_starts_are_neutralised(value):
    assert neutralise(value) == "'" + value


def test_plain_values_are_untouched():
    assert neutralise("北京市朝阳区") == "北京市朝阳区"
    assert neutralise(42) == 42


def test_exported_sheet_has_no_formula_cells():
    content, count = build_xlsx(
        ["名称", "金额"], [['=HYPERLINK("http://x","点我")', 1], ["正常", 2]]
    )
    assert count == 2
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)
    assert sheet["A2"].value.startswith("'=")
    assert sheet["B3"].value == 2


def test_workbook_has_one_sheet_per_table_and_no_formula():
    from apps.core.exports import Sheet, build_workbook

    content = build_workbook(
        [
            Sheet("主要指标", ["指标", "数值"], [["营业收入", 12.5]], ("朝阳区", "2026年第3季度")),
            Sheet("分街乡", ["街乡", "企业数"], [["=cmd()", 3]]),
        ]
    )
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["主要指标", "分街乡"]
    assert book["主要指标"]["A1"].value == "朝阳区"
    assert book["主要指标"]["B4"].value == 12.5
    assert book["分街乡"]["A2"].value == "'=cmd()"
