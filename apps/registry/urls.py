from django.urls import path

from . import views

app_name = "registry"

urlpatterns = [
    path("streets/", views.StreetListView.as_view(), name="street_list"),
    path("streets/<int:pk>/", views.StreetDetailView.as_view(), name="street_detail"),
    path("chambers/", views.ChamberListView.as_view(), name="chamber_list"),
    path("chambers/new/", views.ChamberCreateView.as_view(), name="chamber_create"),
    path("chambers/<int:pk>/", views.ChamberDetailView.as_view(), name="chamber_detail"),
    path("chambers/<int:pk>/edit/", views.ChamberUpdateView.as_view(), name="chamber_update"),
    path("dictionaries/", views.dictionary_list, name="dictionary_list"),
    path("dictionaries/new/", views.dictionary_edit, name="dictionary_create"),
    path("dictionaries/<int:pk>/", views.dictionary_edit, name="dictionary_update"),
]
