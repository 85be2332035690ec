from django.urls import path
from django.utils.translation import gettext_lazy as _

from leanedu.views import under_construction

app_name = "documents"
urlpatterns = [
    path("", under_construction, {"title": _("Documents")}, name="list"),
    path("<int:pk>/", under_construction, {"title": _("Document")}, name="detail"),
]
