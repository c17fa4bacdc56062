from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("<int:client_id>/plans/", views.plan_list, name="list"),
    path("<int:client_id>/plans/new/<str:kind>/", views.plan_new, name="new"),
    path("<int:client_id>/plans/<int:plan_id>/", views.plan_detail, name="detail"),
    path("<int:client_id>/plans/<int:plan_id>/new-version/", views.plan_revise, name="revise"),
    path("<int:client_id>/plans/<int:plan_id>/end/", views.plan_end, name="end"),
    path("<int:client_id>/plans/<int:plan_id>/versions/<int:number>/", views.plan_version, name="version"),
    path("<int:client_id>/plans/<int:plan_id>/versions/<int:number>/plan.pdf", views.plan_version_pdf, name="pdf"),
    path("<int:client_id>/activities/", views.activity_list, name="activities"),
    path("<int:client_id>/activities/new/", views.activity_new, name="activity_new"),
    path("<int:client_id>/activities/<int:activity_id>/edit/", views.activity_edit, name="activity_edit"),
]
