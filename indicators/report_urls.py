from django.urls import path
from django.utils.translation import gettext_lazy as _

from leanedu.views import under_construction

app_name = "reports"
urlpatterns = [
    path("", under_construction, {"title": _("Reports")}, name="index"),
]
