from django.urls import path
from django.utils.translation import gettext_lazy as _

from leanedu.views import under_construction

app_name = "proposals"
urlpatterns = [
    path("new/", under_construction, {"title": _("Let's solve it together")}, name="new"),
    path("status/<str:token>/", under_construction, {"title": _("Proposal status")}, name="status"),
]
