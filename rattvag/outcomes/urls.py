from django.urls import path

from .views import client, reports, tablet

app_name = "outcomes"

urlpatterns = [
    # Reports (aggregated; no person in them).
    path("", reports.report_index, name="reports"),
    path("movement/", reports.movement, name="movement"),
    path("movement/chart.svg", reports.movement_chart, name="movement_chart"),
    path("indicators/", reports.indicators, name="indicators"),
    path("indicators/chart.svg", reports.indicators_chart, name="indicators_chart"),
    path("time-to-outcome/", reports.time_to_outcome, name="time_to_outcome"),
    path("time-to-outcome/<slug:endpoint>.svg", reports.time_to_outcome_chart, name="time_to_outcome_chart"),
    path("fidelity/", reports.fidelity, name="fidelity"),
    path("fidelity/chart.svg", reports.fidelity_chart, name="fidelity_chart"),
    path("summary/", reports.summary, name="summary"),
    path("summary.xlsx", reports.summary_xlsx, name="summary_xlsx"),
    path("summary.pdf", reports.summary_pdf, name="summary_pdf"),
    # One client's ladder and questionnaires (unit staff).
    path("clients/<int:client_id>/ladder/", client.ladder_assess, name="ladder_assess"),
    path("clients/<int:client_id>/ladder.svg", client.ladder_chart, name="ladder_chart"),
    path("clients/<int:client_id>/questionnaires/tablet/", client.tablet_code_create, name="tablet_code_create"),
    path("clients/<int:client_id>/questionnaires/<slug:code>/", client.questionnaire_enter, name="questionnaire_enter"),
    # The shared tablet: no login, no navigation.
    path("q/", tablet.tablet_start, name="tablet_start"),
    path("q/tack/", tablet.tablet_thanks, name="tablet_thanks"),
    path("q/<str:code>/", tablet.tablet_questionnaire, name="tablet_questionnaire"),
]
