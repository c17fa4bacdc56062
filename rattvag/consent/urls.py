from django.urls import path

from . import views

app_name = "consent"
urlpatterns = [
    path("partner/", views.partner_home, name="partner_home"),
    path("clients/<int:client_id>/", views.client_consents, name="client"),
    path("clients/<int:client_id>/record/", views.consent_record, name="record"),
    path("clients/<int:client_id>/healthcare/new/", views.healthcare_new, name="healthcare_new"),
    path("<int:consent_id>/withdraw/", views.consent_withdraw, name="withdraw"),
    path("<int:consent_id>/replace/", views.consent_replace, name="replace"),
    path("<int:consent_id>/document/", views.consent_document, name="document"),
    path("healthcare/<int:request_id>/", views.healthcare_detail, name="healthcare_detail"),
    path("healthcare/<int:request_id>/letter.pdf", views.healthcare_pdf, name="healthcare_pdf"),
    path("healthcare/<int:request_id>/sent/", views.healthcare_send, name="healthcare_send"),
    path("healthcare/<int:request_id>/answer/", views.healthcare_answer, name="healthcare_answer"),
    path("consultations/", views.consultation_list, name="consultation_list"),
    path("consultations/new/", views.consultation_new, name="consultation_new"),
    path("consultations/<int:consultation_id>/", views.consultation_detail, name="consultation_detail"),
    path(
        "consultations/<int:consultation_id>/cases/<int:item_id>/advice/",
        views.consultation_advice,
        name="consultation_advice",
    ),
]
