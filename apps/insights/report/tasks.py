from django_tasks import task


@task()
def report_build_task(report_id: int) -> str:
    """Build a report asked for from the page (enqueued after the request commits)."""
    from apps.insights.models_report import MonthlyReport

    from .services import report_build

    report = MonthlyReport.objects.filter(pk=report_id).first()
    if report is None:
        return ""
    return report_build(report=report).status


@task()
def monthly_reports_task() -> int:
    """This month's scheduled reports, generated and sent once (runs daily; see schedules)."""
    from .services import monthly_reports_send

    return len(monthly_reports_send())
