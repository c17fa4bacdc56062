from django.urls import path

from . import views

app_name = "stats"
urlpatterns = [
    path("", views.index, name="index"),
    path("mapping/", views.mapping, name="mapping"),
    path("mapping/chart/<slug:table>.svg", views.mapping_chart, name="mapping_chart"),
    path("mapping/export/", views.mapping_export, name="mapping_export"),
    path("mapping/clients/", views.mapping_clients, name="mapping_clients"),
    path("mapping/clients/export/", views.mapping_clients_export, name="mapping_clients_export"),
    path("aggregate/", views.aggregate, name="aggregate"),
    path("aggregate/chart/<slug:table>.svg", views.aggregate_chart, name="aggregate_chart"),
    path("aggregate/export/", views.aggregate_export, name="aggregate_export"),
]
