from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from leanedu import views

admin.site.site_header = _("Lean technologies in education — project office")
admin.site.site_title = _("leanedu administration")
admin.site.index_title = _("Back office")

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accessibility/", views.accessibility_switch, name="accessibility"),
    path("privacy/", views.privacy_policy, name="privacy"),
    path(
        "accounts/login/",
        views.RoleLoginView.as_view(),
        name="login",
    ),
    path("accounts/verify/", views.verify, name="verify"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("documents/", include("documents.urls")),
    path("", include("projects.urls")),
    path("indicators/", include("indicators.urls")),
    path("reports/", include("indicators.report_urls")),
    path("proposals/", include("proposals.urls")),
    path("api/v1/", include("api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    path("accounts/api-tokens/", include("api.token_urls")),
    path("opendata/", include("opendata.urls")),
    path(settings.ADMIN_URL, admin.site.urls),
]

handler400 = "leanedu.errors.bad_request"
handler403 = "leanedu.errors.permission_denied"
handler404 = "leanedu.errors.not_found"
handler500 = "leanedu.errors.server_error"
