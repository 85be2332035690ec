from django.urls import path
from django.urls import reverse as django_reverse
from rest_framework.routers import SimpleRouter

from api import views

router = SimpleRouter(trailing_slash=True)
router.register("documents", views.DocumentViewSet, basename="documents")
router.register("pilot-sites", views.PilotSiteViewSet, basename="pilot-sites")
router.register("projects", views.ProjectViewSet, basename="projects")
router.register("organizations", views.OrganizationViewSet, basename="organizations")
router.register("indicators", views.IndicatorViewSet, basename="indicators")
router.register("periods", views.PeriodViewSet, basename="periods")
router.register("targets", views.TargetViewSet, basename="targets")
router.register("values", views.ValueViewSet, basename="values")
router.register("answers", views.AnswerViewSet, basename="answers")
router.register("datasets", views.DatasetViewSet, basename="datasets")


def list_paths() -> list[str]:
    """The path of every list the router serves, in its order (the root
    page's): what the tests walk."""
    return [django_reverse(f"api:{basename}-list") for _prefix, _viewset, basename in router.registry]


app_name = "api"
urlpatterns = [
    path("", views.RootView.as_view(), name="root"),
    path("facts/", views.FactsView.as_view(), name="facts"),
    path("computed/", views.ComputedView.as_view(), name="computed"),
    *router.urls,
]
