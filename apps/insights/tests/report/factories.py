"""Objects for the no-500 crawl (apps/core/tests/test_no_server_errors.py)."""

from datetime import date

from apps.core.scoping import Grade


def crawl_objects(*, user) -> dict[str, int]:
    from apps.insights.models_report import (
        DisplayToken,
        MonthlyReport,
        ReportStatus,
        ReportSubscription,
        ReportTrigger,
    )

    # A report that failed (no files): its downloads must answer 404, not fail.
    report = MonthlyReport.objects.create(
        month=date(2025, 11, 1),
        year=2025,
        quarter=3,
        detail=Grade.RECORDS,
        trigger=ReportTrigger.ON_DEMAND,
        status=ReportStatus.FAILED,
    )
    subscription = ReportSubscription.objects.create(name="领导", created_by=user)
    token = DisplayToken.objects.create(
        name="会议室", digest="0" * 64, prefix="000000", created_by=user
    )
    return {
        "reports:download_docx": report.pk,
        "reports:download_xlsx": report.pk,
        "reports:subscription_update": subscription.pk,
        "reports:subscription_delete": subscription.pk,
        "screen:token_revoke": token.pk,
    }
