from django_tasks import task

from . import services


@task()
def disable_idle_accounts() -> list[str]:
    return services.users_disable_idle()


@task()
def clear_expired_sessions() -> None:
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    Session.objects.filter(expire_date__lt=timezone.now()).delete()
