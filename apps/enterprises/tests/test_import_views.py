"""The import pages: upload → check → error page/xlsx → preview → confirm; scope; progress."""

import io
import random
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from apps.audit.models import AuditEvent
from apps.core.demo import make_uscc
from apps.core.testing import Row, run_matrix
from apps.enterprises.imports.testing import template_headers
from apps.enterprises.models import Enterprise, ImportJob, ImportStatus, LedgerEntry
from apps.enterprises.tests.factories import EnterpriseFactory, industry

ROSTER = template_headers("roster")[:4]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LANGUAGE_CODE = "zh-hans"
    return settings.MEDIA_ROOT


@pytest.fixture
def reference(street_a, street_b):
    return industry("6513")


def csv_upload(rows, header=ROSTER, name="名录.csv", encoding="utf-8"):
    text = "\n".join(",".join(str(c) for c in r) for r in [header, *rows]) + "\n"
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def codes(n):
    rng = random.Random(11)
    return [make_uscc(rng) for _ in range(n)]


def upload(client, kind, file):
    return client.post(reverse("enterprises:import_start"), {"kind": kind, "file": file})


def test_upload_preview_confirm_applies_everything(reference, street_a_clerk, login, media):
    client = login(street_a_clerk)
    rows = [[c, f"北京甲{i}有限公司", "建外", "6513"] for i, c in enumerate(codes(3))]
    response = upload(client, "roster", csv_upload(rows))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/{job.pk}/")
    assert job.status == ImportStatus.VALIDATED
    page = client.get(response.url).content.decode()
    assert 'data-count="new">3<' in page and not Enterprise.objects.exists()
    stored = Path(job.stored_path)
    assert stored.parent == media / "imports" and stored.name != "名录.csv" and stored.exists()
    client.post(reverse("enterprises:import_confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportStatus.APPLIED and Enterprise.objects.count() == 3
    assert not stored.exists(), "the uploaded file is removed after apply"
    assert AuditEvent.objects.filter(action="enterprise.import").count() == 1


def test_bad_rows_give_an_error_page_and_an_xlsx(reference, street_a_clerk, login):
    client = login(street_a_clerk)
    good, bad = codes(2)
    rows = [[good, "北京甲有限公司", "建外", "6513"], [bad, "=HYPERLINK(1)", "朝外", "6513"]]
    response = upload(client, "roster", csv_upload(rows))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.INVALID and job.error_count == 1
    page = client.get(response.url).content.decode()
    assert "朝外" in page and "数据范围" in page
    download = client.get(reverse("enterprises:import_errors_xlsx", args=[job.pk]))
    sheet = load_workbook(io.BytesIO(download.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][0] == 3 and "数据范围" in values[1][-1]
    assert values[1][2] == "'=HYPERLINK(1)", "formula-like cells are neutralised"
    assert client.post(reverse("enterprises:import_confirm", args=[job.pk])).status_code == 302
    assert not Enterprise.objects.exists()


def test_not_a_spreadsheet_is_refused_at_upload(reference, street_a_clerk, login):
    client = login(street_a_clerk)
    png = SimpleUploadedFile("a.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    response = upload(client, "roster", png)
    assert response.status_code == 200 and "既不是 Excel" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_large_file_runs_in_background_with_progress(
    reference, street_a, street_a_clerk, login, settings
):
    settings.IMPORT_BACKGROUND_ROWS = 1
    ent = EnterpriseFactory(street=street_a)
    client = login(street_a_clerk)
    rows = [[ent.uscc, 2025, q, "", 10] for q in (1, 2, 3)]
    upload(client, "ledger", csv_upload(rows, template_headers("ledger")[:5], "台帐.csv"))
    job = ImportJob.objects.get()
    assert job.status == ImportStatus.VALIDATED  # the immediate backend ran the task inline
    progress = client.get(
        reverse("enterprises:import_progress", args=[job.pk]), HTTP_HX_REQUEST="true"
    )
    assert progress["HX-Refresh"] == "true"
    client.post(reverse("enterprises:import_confirm", args=[job.pk]))
    assert LedgerEntry.objects.count() == 3
    start = client.get(reverse("enterprises:import_start")).content.decode()
    assert "台帐.csv" in start


def test_progress_partial_polls_while_running(reference, street_a_clerk, login):
    job = ImportJob.objects.create(
        kind="ledger",
        original_name="x.csv",
        stored_path="/nonexistent",
        size=1,
        digest="",
        total_rows=100,
        processed_rows=40,
        status=ImportStatus.VALIDATING,
        created_by=street_a_clerk,
    )
    response = login(street_a_clerk).get(reverse("enterprises:import_progress", args=[job.pk]))
    body = response.content.decode()
    assert 'hx-trigger="every 2s"' in body and 'value="40"' in body and "HX-Refresh" not in response


def test_template_download_has_chinese_headers(street_a_clerk, login):
    response = login(street_a_clerk).get(reverse("enterprises:import_template", args=["ledger"]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == template_headers("ledger")


def test_cancel_removes_the_file(reference, street_a_clerk, login):
    client = login(street_a_clerk)
    upload(client, "roster", csv_upload([[codes(1)[0], "北京甲有限公司", "建外", "6513"]]))
    job = ImportJob.objects.get()
    client.post(reverse("enterprises:import_abandon", args=[job.pk]))
    assert not Path(job.stored_path).exists() and not Enterprise.objects.exists()


@pytest.fixture
def job_a(street_a_clerk):
    return ImportJob.objects.create(
        kind="roster",
        original_name="a.csv",
        stored_path="/nonexistent",
        size=1,
        digest="",
        status=ImportStatus.INVALID,
        error_count=1,
        created_by=street_a_clerk,
    )


def test_scope_matrix(request, login, job_a, street_b_clerk, leader, anonymous, district_admin):
    run_matrix(
        request,
        login,
        [
            Row("street_a_clerk", "", "enterprises:import_start", 200),
            Row("district_admin", "", "enterprises:import_start", 200),
            Row("leader", "", "enterprises:import_start", 403),
            Row("enterprise_user", "", "enterprises:import_start", 403),
            Row("anonymous", "", "enterprises:import_start", 302),
            Row("street_a_clerk", "job_a", "enterprises:import_detail", 200),
            Row("street_b_clerk", "job_a", "enterprises:import_detail", 404),
            Row("district_admin", "job_a", "enterprises:import_detail", 404),
            Row("street_b_clerk", "job_a", "enterprises:import_errors_xlsx", 404),
            Row("street_b_clerk", "job_a", "enterprises:import_progress", 404),
            Row("street_b_clerk", "job_a", "enterprises:import_confirm", 404, "post"),
            Row("street_b_clerk", "job_a", "enterprises:import_abandon", 404, "post"),
            Row("leader", "job_a", "enterprises:import_detail", 403),
        ],
    )
