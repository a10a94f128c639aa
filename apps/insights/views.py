from django.contrib.auth.mixins import PermissionRequiredMixin
from django.views.generic import TemplateView


class DashboardView(PermissionRequiredMixin, TemplateView):
    permission_required = "insights.view_summary"
    template_name = "insights/dashboard.html"
