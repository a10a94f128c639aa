"""A file of 1 million rows validates and reports without crashing (streamed, not held)."""

import pytest
from django.utils import translation

from apps.enterprises.imports import pipeline
from apps.enterprises.imports.report import PAGE_ERRORS, ErrorSink
from apps.enterprises.imports.testing import template_headers
from apps.enterprises.models import LedgerEntry
from apps.enterprises.tests.factories import EnterpriseFactory

ROWS = 1_000_000


@pytest.fixture
def million_csv(tmp_path, street_a):
    ent = EnterpriseFactory(street=street_a)
    path = tmp_path / "million.csv"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(",".join(template_headers("ledger")) + "\n")
        # Every row names an enterprise that is not in the database except the first:
        # the report must count them all and keep only the first ones in memory.
        handle.write(f"{ent.uscc},2025,1,单季,100,10,5,1,20,500\n")
        line = "91110105MA0000000Y,2025,1,单季,100,10,5,1,20,500\n"
        for _ in range(ROWS // 10000):
            handle.write(line * 10000)
    return path


def test_a_million_rows_validate_and_report(million_csv, district_admin, tmp_path):
    sink = ErrorSink(tmp_path / "errors.csv")
    with translation.override("zh-hans"):
        outcome = pipeline.run(kind="ledger", path=million_csv, user=district_admin, sink=sink)
    assert outcome.rows == ROWS + 1
    assert outcome.error_count == ROWS
    assert len(outcome.first_errors) == PAGE_ERRORS and outcome.first_errors[0].row == 3
    assert "统一社会信用代码" in outcome.first_errors[0].reason
    assert not LedgerEntry.objects.exists()
