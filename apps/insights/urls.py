from django.urls import path

from . import views

app_name = "insights"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    # The figures behind each chart: api/<chart>.json, the same as a spreadsheet .xlsx.
    path("api/<slug:chart>.json", views.ChartDataView.as_view(), name="data_json"),
    path("api/<slug:chart>.xlsx", views.ChartXlsxView.as_view(), name="data_xlsx"),
]
