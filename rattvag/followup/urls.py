from django.urls import path

from . import views

app_name = "followup"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("rules/", views.rule_settings, name="rules"),
    path("rules/<int:unit_id>/<slug:code>/", views.rule_setting_edit, name="rule_edit"),
]
