"""Factories of pilot sites and projects."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import factory

from projects.models import (
    Direction,
    LeanTool,
    PilotSite,
    Project,
    ProjectMetric,
    ProjectStatus,
    TeamMember,
)
from tests.factories import SchoolFactory


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "documents.Document"

    authority = factory.SubFactory("tests.factories.MunicipalityFactory")
    number = factory.Sequence(lambda n: f"{100 + n}-р")
    date_signed = date(2022, 3, 15)
    title = "О создании опорных площадок по внедрению бережливых технологий"
    status = "in_force"


class PilotSiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PilotSite

    organization = factory.SubFactory(SchoolFactory)
    document = factory.SubFactory(DocumentFactory)
    starts_on = date(2022, 3, 15)
    focus_areas = "5S в кабинетах\nСтандартизация"


class LeanToolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeanTool
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Инструмент {n}")


class ProjectFactory(factory.django.DjangoModelFactory):
    """A draft with nothing filled in but the title."""

    class Meta:
        model = Project

    organization = factory.SubFactory(SchoolFactory)
    title = factory.Sequence(lambda n: f"Проект {n}: утренний вход без очереди")
    status = ProjectStatus.DRAFT


class MetricFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectMetric

    project = factory.SubFactory(ProjectFactory)
    name = "Время подготовки контрольной работы"
    unit = "мин"
    direction = Direction.LOWER
    baseline_value = Decimal("67")
    baseline_date = date(2023, 9, 1)
    target_value = Decimal("30")


class ReadyProjectFactory(ProjectFactory):
    """A draft whose passport is complete enough to submit."""

    class Meta:
        skip_postgeneration_save = True

    problem = "Учитель тратит больше часа на подготовку контрольной работы."
    goal = "Сократить время до 30 минут."
    leader = "Соколова М. В., заместитель директора"
    planned_start = date(2026, 1, 12)
    planned_end = date(2026, 5, 29)
    metric = factory.RelatedFactory(MetricFactory, factory_related_name="project")
    member = factory.RelatedFactory(
        "tests.projects.factories.TeamMemberFactory", factory_related_name="project", name="Ефимова Л. А."
    )


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    project = factory.SubFactory(ProjectFactory)
    name = "Иванов И. И."
    role = "учитель"
