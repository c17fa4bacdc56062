from django.urls import path

from . import views

app_name = "clients"
urlpatterns = [
    path("", views.client_list, name="list"),
    path("search/", views.client_search, name="search"),
    path("new/", views.client_create, name="create"),
    path("new/check-number/", views.validate_number, name="validate_number"),
    path("temporary-access/", views.temporary_access, name="temporary_access"),
    path("<int:client_id>/", views.client_detail, name="detail"),
    path("<int:client_id>/edit/", views.client_edit, name="edit"),
    path("<int:client_id>/cases/<int:case_id>/close/", views.case_close, name="close_case"),
]
