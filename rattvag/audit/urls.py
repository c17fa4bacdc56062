from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.review, name="review"),
    path("clients/", views.client_lookup, name="client_lookup"),
    path("clients/<int:client_id>/", views.client_log, name="client"),
    path("clients/<int:client_id>/extract.csv", views.client_extract, name="client_extract"),
    path("users/", views.user_pick, name="user_pick"),
    path("users/<int:user_id>/", views.user_log, name="user"),
    path("events/<int:event_id>/", views.event_detail, name="event"),
]
