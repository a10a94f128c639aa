"""manage.py import_enterprises / import_ledger: exit codes, dry run, nothing written on errors."""

import pytest
from django.core.management import CommandError, call_command

from apps.audit.models import AuditEvent
from apps.enterprises.imports.testing import template_headers, write_csv
from apps.enterprises.models import Enterprise, LedgerEntry
from apps.enterprises.tests.factories import industry

USCC_1 = "91110105MA0000001X"


@pytest.fixture
def reference(street_a, street_b):
    industry("6513")
    return street_a


def _codes(n):
    import random

    from apps.core.demo import make_uscc

    rng = random.Random(7)
    return [make_uscc(rng) for _ in range(n)]


def _roster(tmp_path, rows):
    return write_csv(tmp_path / "roster.csv", template_headers("roster")[:4], rows)


def test_import_enterprises_applies_and_exits_zero(reference, tmp_path, capsys):
    codes = _codes(2)
    path = _roster(
        tmp_path,
        [
            [codes[0], "北京甲科技有限公司", "建外", "6513"],
            [codes[1], "北京乙科技有限公司", "朝外街道办事处", "6513"],
        ],
    )
    call_command("import_enterprises", str(path))
    assert Enterprise.objects.count() == 2
    assert "新增 2" in capsys.readouterr().out
    assert AuditEvent.objects.filter(action="enterprise.import").count() == 1


def test_import_enterprises_dry_run_writes_nothing(reference, tmp_path, capsys):
    codes = _codes(1)
    path = _roster(tmp_path, [[codes[0], "北京甲科技有限公司", "建外", "6513"]])
    call_command("import_enterprises", str(path), "--dry-run")
    assert Enterprise.objects.count() == 0
    assert "校验通过" in capsys.readouterr().out


def test_import_enterprises_bad_row_prints_report_and_writes_nothing(reference, tmp_path, capsys):
    codes = _codes(2)
    path = _roster(
        tmp_path,
        [
            [codes[0], "北京甲科技有限公司", "建外", "6513"],
            ["91110105MA00000012", "北京乙科技有限公司", "望京", "6513"],
        ],
    )
    with pytest.raises(CommandError):
        call_command("import_enterprises", str(path))
    err = capsys.readouterr().err
    assert "第 3 行" in err
    assert Enterprise.objects.count() == 0


def test_import_ledger_applies(reference, tmp_path):
    from apps.enterprises.tests.factories import EnterpriseFactory

    ent = EnterpriseFactory(street=reference)
    path = write_csv(
        tmp_path / "l.csv",
        template_headers("ledger"),
        [[ent.uscc, 2025, 1, "单季", "100", "10", "5", "1", "20", "500"]],
    )
    call_command("import_ledger", str(path))
    entry = LedgerEntry.objects.get()
    assert entry.revenue == 100 and entry.employees == 20
