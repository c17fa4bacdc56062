from django.contrib import admin
from django.urls import include, path

from config.api import api

handler400 = "rattvag.api.errors.bad_request"
handler404 = "rattvag.core.views.not_found"
handler403 = "rattvag.core.views.forbidden"
handler500 = "rattvag.core.views.server_error"

urlpatterns = [
    path("", include("rattvag.core.urls")),
    path("account/", include("rattvag.accounts.urls")),
    path("clients/", include("rattvag.clients.urls")),
    path("clients/", include("rattvag.certificates.urls")),
    path("clients/", include("rattvag.meetings.urls")),
    path("clients/", include("rattvag.plans.urls")),
    path("worklist/", include("rattvag.followup.urls")),
    path("imports/", include("rattvag.imports.urls")),
    path("stats/", include("rattvag.stats.urls")),
    path("outcomes/", include("rattvag.outcomes.urls")),
    path("dsr/", include("rattvag.dsr.urls")),
    path("audit/", include("rattvag.audit.urls")),
    path("consent/", include("rattvag.consent.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
