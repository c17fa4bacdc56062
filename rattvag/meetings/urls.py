from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("<int:client_id>/meetings/", views.meeting_list, name="list"),
    path("<int:client_id>/meetings/new/", views.meeting_new, name="new"),
    path("<int:client_id>/meetings/<int:meeting_id>/", views.meeting_detail, name="detail"),
    path("<int:client_id>/meetings/<int:meeting_id>/edit/", views.meeting_edit, name="edit"),
    path("<int:client_id>/meetings/<int:meeting_id>/participants/", views.participant_add, name="participant_add"),
    path(
        "<int:client_id>/meetings/<int:meeting_id>/participants/<int:participant_id>/remove/",
        views.participant_remove,
        name="participant_remove",
    ),
    path("<int:client_id>/meetings/<int:meeting_id>/actions/", views.action_add, name="action_add"),
    path(
        "<int:client_id>/meetings/<int:meeting_id>/actions/<int:action_id>/done/",
        views.action_done,
        name="action_done",
    ),
    path("<int:client_id>/meetings/<int:meeting_id>/invitation/", views.invitation, name="invitation"),
    path("<int:client_id>/meetings/<int:meeting_id>/invitation.pdf", views.invitation_pdf, name="invitation_pdf"),
    path("<int:client_id>/sip/", views.sip_detail, name="sip"),
    path("<int:client_id>/sip/new-version/", views.sip_edit, name="sip_edit"),
    path("<int:client_id>/sip/end/", views.sip_end, name="sip_end"),
    path("<int:client_id>/sip/versions/<int:version_id>/", views.sip_version, name="sip_version"),
    path("<int:client_id>/sip/versions/<int:version_id>/sip.pdf", views.sip_version_pdf, name="sip_version_pdf"),
]
