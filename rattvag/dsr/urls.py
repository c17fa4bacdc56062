from django.urls import path

from . import views

app_name = "dsr"
urlpatterns = [
    path("clients/<int:client_id>/", views.extract_page, name="extract"),
    path("clients/<int:client_id>/extract.pdf", views.extract_pdf, name="extract_pdf"),
    path("clients/<int:client_id>/extract.json", views.extract_json, name="extract_json"),
]
