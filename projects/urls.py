from django.urls import path
from django.utils.translation import gettext_lazy as _

from leanedu.views import under_construction

app_name = "projects"
urlpatterns = [
    path("pilot-sites/", under_construction, {"title": _("Pilot sites")}, name="pilot_sites"),
    path("projects/", under_construction, {"title": _("Lean projects")}, name="list"),
    path("projects/<int:pk>/", under_construction, {"title": _("Lean project")}, name="detail"),
    path("cabinet/", under_construction, {"title": _("Coordinator's cabinet")}, name="cabinet"),
]
