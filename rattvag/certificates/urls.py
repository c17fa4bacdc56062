"""Mounted under /clients/ (next to the clients app): per-client pages and the shared lookups."""

from django.urls import path

from . import views

app_name = "certificates"
urlpatterns = [
    path("certificates/diagnosis-lookup", views.diagnosis_lookup, name="diagnosis_lookup"),
    path("certificates/care-units/", views.care_units, name="care_units"),
    path("certificates/care-units/lookup", views.care_unit_lookup, name="care_unit_lookup"),
    path("certificates/care-units/merge/", views.care_unit_merge, name="care_unit_merge"),
    path("<int:client_id>/certificates/", views.overview, name="overview"),
    path("<int:client_id>/certificates/new/", views.certificate_register, name="register"),
    path("<int:client_id>/certificates/quality-check/", views.quality_check, name="quality_check"),
    path("<int:client_id>/certificates/<int:certificate_id>/", views.certificate_detail, name="detail"),
    path("<int:client_id>/certificates/<int:certificate_id>/edit/", views.certificate_edit, name="edit"),
    path("<int:client_id>/sgi/", views.sgi_record, name="sgi_record"),
]
