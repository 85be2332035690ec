from django.urls import path
from django.utils.translation import gettext_lazy as _

from leanedu.views import under_construction

app_name = "indicators"
urlpatterns = [
    path("", under_construction, {"title": _("Target indicators")}, name="dashboard"),
    path("<str:code>/", under_construction, {"title": _("Target indicator")}, name="detail"),
]
