"""Every list of the API makes the same number of SQL queries whatever the
amount of data: the demo, then the demo with a synthetic region and more
documents, relations, files, metrics and answers on top."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.urls import measured_urls
from documents.models import DocumentFile, DocumentFileVersion, DocumentRelation
from projects.models import Project, ProjectStatus
from proposals.models import Proposal
from tests.api.conftest import client_for
from tests.projects.factories import DocumentFactory, MetricFactory

pytestmark = pytest.mark.django_db


def query_counts(client) -> dict[str, int]:
    from leanedu.models import Organization

    municipality = Organization.objects.municipalities().order_by("pk").first().pk
    counts = {}
    for template in measured_urls():
        url = template.format(year=2025, municipality=municipality)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        counts[url] = len(queries)
    return counts


def grow(n: int):
    """More of everything a list shows: documents with relations and files, metrics, answers."""
    documents = [DocumentFactory(number=f"{n}{k:02d}-р") for k in range(n)]
    for source, target in zip(documents, documents[1:], strict=False):
        DocumentRelation.objects.create(source=source, target=target, kind="amends")
    for document in documents:
        file = DocumentFile.objects.create(document=document, title="Текст")
        DocumentFileVersion.objects.create(
            document_file=file,
            file="documents/x.pdf",
            original_name="x.pdf",
            file_type="pdf",
            size=1,
            sha256="0" * 64,
            uploaded_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
        )
    for project in Project.objects.filter(status__in=[ProjectStatus.COMPLETED, ProjectStatus.IN_PROGRESS])[:n]:
        MetricFactory.create_batch(3, project=project)
    for proposal in Proposal.objects.published_answers()[:1]:
        for k in range(n):
            proposal.pk, proposal.number, proposal.token_hash = None, f"РВ-2099-{n}{k:04d}", f"{n}{k:04d}" * 12
            proposal.save()


def test_list_queries_do_not_grow_with_the_data(demo):
    from django.contrib.auth import get_user_model

    office = get_user_model().objects.get(username="office")
    anonymous, staff = client_for(None), client_for(office)
    grow(2)
    before = query_counts(anonymous), query_counts(staff)
    call_command("seed_demo", region=2, orgs_per_municipality=4, quiet_accounts=True)
    grow(8)
    after = query_counts(anonymous), query_counts(staff)
    # Never more queries with more data; fewer happen when a page's rows have
    # no files or relations at all (Django skips a prefetch with nothing to fetch).
    grew = {
        (who, url): (before[n][url], after[n][url])
        for n, who in enumerate(("anonymous", "office"))
        for url in before[n]
        if after[n][url] > before[n][url]
    }
    assert grew == {}
    # And they stay few.
    assert max(before[0].values()) <= 12, before[0]
