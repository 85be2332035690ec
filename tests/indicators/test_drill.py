"""Drill-through of computed figures: the rows behind numerator and denominator."""

import pytest
from django.urls import reverse

from indicators.models import Method, Unit
from tests.indicators.factories import IndicatorFactory, period

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(db):
    return {
        Method.PILOT_SITES: IndicatorFactory(code="BT-C1", unit=Unit.UNITS, method=Method.PILOT_SITES),
        Method.COMPLETED_PROJECTS: IndicatorFactory(code="BT-C2", unit=Unit.UNITS, method=Method.COMPLETED_PROJECTS),
        Method.ORGS_WITH_COMPLETED: IndicatorFactory(
            code="BT-C3", unit=Unit.PERCENT, method=Method.ORGS_WITH_COMPLETED
        ),
        Method.PROJECTS_GOAL_REACHED: IndicatorFactory(
            code="BT-C4", unit=Unit.PERCENT, method=Method.PROJECTS_GOAL_REACHED
        ),
    }


def test_dashboard_links_every_computed_figure_to_its_rows(client, registries, computed):
    year = period("year", 2024)
    html = client.get(reverse("indicators:dashboard"), {"period": year.pk}).content.decode()
    for code in ("BT-C1", "BT-C2", "BT-C3", "BT-C4"):
        assert reverse("indicators:numerator", args=[code]) in html
    for code in ("BT-C3", "BT-C4"):
        assert reverse("indicators:denominator", args=[code]) in html
    assert reverse("indicators:denominator", args=["BT-C2"]) not in html


def test_organisations_behind_the_share_in_a_past_year(client, registries, computed):
    year = period("year", 2024)
    numerator = client.get(reverse("indicators:numerator", args=["BT-C3"]), {"period": year.pk})
    assert numerator.status_code == 200
    names = [org.short_name for org in numerator.context["page"].object_list]
    assert names == ["МОУ «СОШ № 1 г. Пласт»", "МОУ «СОШ № 13»"]
    denominator = client.get(reverse("indicators:denominator", args=["BT-C3"]), {"period": year.pk})
    assert denominator.context["page"].paginator.count == 3
    assert "МОУ «СОШ № 15»" in denominator.content.decode()


def test_projects_behind_the_count_of_an_academic_year(client, registries, computed, municipality):
    academic = period("academic", 2024)
    response = client.get(
        reverse("indicators:numerator", args=["BT-C2"]), {"period": academic.pk, "municipality": municipality.pk}
    )
    html = response.content.decode()
    projects = list(response.context["page"].object_list)
    # 15.02.2025 (СОШ № 13) and 30.06.2025 (СОШ № 15); the other municipality's 20.11.2024 is not here.
    assert [p.organization.short_name for p in projects] == ["МОУ «СОШ № 13»", "МОУ «СОШ № 15»"]
    assert all(p.get_absolute_url() in html for p in projects)


def test_pilot_sites_behind_the_count(client, registries, computed):
    response = client.get(reverse("indicators:numerator", args=["BT-C1"]), {"period": period("year", 2024).pk})
    assert response.context["page"].paginator.count == 3


def test_a_count_has_no_denominator_and_an_entered_indicator_no_drill_through(client, registries, computed):
    year = period("year", 2024)
    assert client.get(reverse("indicators:denominator", args=["BT-C2"]), {"period": year.pk}).status_code == 404
    IndicatorFactory(code="T-ENTERED")
    assert client.get(reverse("indicators:numerator", args=["T-ENTERED"]), {"period": year.pk}).status_code == 404


def test_drill_through_lists_only_projects_the_reader_may_see(client, registries, computed, coordinator_b):
    """Only completed (public) projects are counted, so every reader sees the same rows."""
    year = period("year", 2025)
    anonymous = client.get(reverse("indicators:denominator", args=["BT-C4"]), {"period": year.pk})
    client.force_login(coordinator_b)
    signed_in = client.get(reverse("indicators:denominator", args=["BT-C4"]), {"period": year.pk})
    assert anonymous.context["page"].paginator.count == signed_in.context["page"].paginator.count == 2


@pytest.mark.parametrize("code", ["BT-C1", "BT-C2", "BT-C3", "BT-C4"])
def test_drill_through_query_count_does_not_grow_with_data(
    client, registries, computed, code, school_a, django_assert_max_num_queries
):
    from projects.models import Project
    from tests.indicators.conftest import completed_on

    year = period("year", 2025)
    url = reverse("indicators:numerator", args=[code])
    with django_assert_max_num_queries(12) as small:
        client.get(url, {"period": year.pk})
    for n in range(30):
        project = Project.objects.create(organization=school_a, title=f"Ещё {n}", status="completed")
        completed_on(project, year.starts_on)
    with django_assert_max_num_queries(len(small)):
        client.get(url, {"period": year.pk})
