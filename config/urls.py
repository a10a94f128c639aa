from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("apps.core.urls")),
    path("accounts/", include("apps.accounts.urls")),
    path("audit/", include("apps.audit.urls")),
    path("registry/", include("apps.registry.urls")),
    path("enterprises/", include("apps.enterprises.urls")),
    path("notifications/", include("apps.core.notify.urls")),
    path("portal/", include("apps.portal.urls")),
    path("filings/", include("apps.filings.urls")),
    path("insights/", include("apps.insights.urls")),
    path("insights/reports/", include("apps.insights.report.urls")),
    path("insights/screen/", include("apps.insights.report.screen_urls")),
    path("members/", include("apps.members.urls")),
    path("people/", include("apps.people.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
]

handler400 = "apps.core.views.bad_request"
handler403 = "apps.core.views.permission_denied"
handler404 = "apps.core.views.page_not_found"
handler500 = "apps.core.views.server_error"
