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


# The query strings that take a list down another path of SQL (a page of
# 1,000 rows, a period, a municipality, a level); a list not named here is
# measured bare. ``{year}`` and ``{municipality}`` are filled by whoever
# measures, from their own data.
LIST_VARIANTS = {
    "targets": ["page_size=1000"],
    "values": [
        "page_size=1000",
        "page_size=1000&period={year}",
        "page_size=1000&period={year}&municipality={municipality}",
    ],
    "facts": ["period={year}", "period={year}&level=municipality", "period={year}&level=organization"],
    "computed": ["period={year}"],
}


def measured_urls() -> list[str]:
    """Every list, the router's and the facts' and computed ones, with the
    query strings of ``LIST_VARIANTS``, as templates: what the query-count
    test (tests/api/test_queries.py) and bench/bench_api.py walk."""
    names = [(basename, f"api:{basename}-list") for _prefix, _viewset, basename in router.registry]
    urls = []
    for name, url_name in [*names, ("facts", "api:facts"), ("computed", "api:computed")]:
        path = django_reverse(url_name)
        urls += [f"{path}?{query}" for query in LIST_VARIANTS.get(name, [])] or [path]
    return urls


app_name = "api"
urlpatterns = [
    path("", views.RootView.as_view(), name="root"),
    path("facts/", views.FactsView.as_view(), name="facts"),
    path("computed/", views.ComputedView.as_view(), name="computed"),
    *router.urls,
]
