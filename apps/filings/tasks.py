from django_tasks import task


@task()
def filing_reminders() -> dict[str, int]:
    """The scheduled reminders (催报) of every open campaign: before the deadline and
    once overdue (services.reminders_due)."""
    from .services import reminders_due

    return reminders_due()
