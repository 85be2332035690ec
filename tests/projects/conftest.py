"""Fixtures of the projects tests: projects of school A in every status."""

from __future__ import annotations

import shutil

import pytest

from projects.models import ProjectStatus
from tests.projects.factories import ReadyProjectFactory


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Uploaded files go to a throw-away folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    yield settings.MEDIA_ROOT
    shutil.rmtree(tmp_path / "media", ignore_errors=True)


@pytest.fixture
def project_in(school_a):
    """project_in("approved") → a complete project of school A in that status."""

    def make(status: str = ProjectStatus.DRAFT, organization=None, **kwargs):
        return ReadyProjectFactory(organization=organization or school_a, status=status, **kwargs)

    return make


@pytest.fixture
def draft(project_in):
    return project_in(ProjectStatus.DRAFT)


@pytest.fixture
def published(project_in):
    return project_in(ProjectStatus.COMPLETED, title="Опубликованный проект")
