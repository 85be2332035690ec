"""Deadlines: who owes what, reminders once per step, the late list, the
on-time rate, «мои отчёты к сдаче» and the bulk approval of a municipality."""

import datetime

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from indicators.deadlines import on_time_rates, owed, reminders_send
from indicators.models import SentReminder, Value, ValueStatus
from leanedu.models import Organization, OutgoingEmail
from leanedu.roles import Role
from tests.factories import user_with_role
from tests.indicators.factories import ValueFactory, quarter

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2025, 4, 10)


@pytest.fixture
def q1(periods):
    period = quarter(2025, 1)
    period.deadline = DEADLINE
    period.save()
    return period


@pytest.fixture
def owing(q1, indicators, school_a, school_b, school_elsewhere, coordinator_a, coordinator_b, settings):
    """school_a submitted all three values; school_b has one draft; school_elsewhere nothing."""
    settings.OFFICE_EMAIL = "office@troitsk.example"
    user_with_role(Role.COORDINATOR, school_elsewhere, username="coord_plast", email="plast@example.org")
    for indicator in indicators:
        ValueFactory(organization=school_a, indicator=indicator, period=q1, status=ValueStatus.SUBMITTED)
    ValueFactory(organization=school_b, indicator=indicators[0], period=q1, status=ValueStatus.DRAFT)
    return q1


def sent_to():
    return sorted(m.to for m in OutgoingEmail.objects.order_by("pk"))


def test_who_owes_what(owing, school_a, school_b, school_elsewhere):
    state = {o.organization: o for o in owed(owing, Organization.objects.all())}
    assert state[school_a].delivered and state[school_a].submitted == 3
    assert (state[school_b].in_work, state[school_b].missing, state[school_b].delivered) == (1, 2, False)
    assert (state[school_elsewhere].missing, state[school_elsewhere].expected) == (3, 3)


def test_reminders_go_once_per_step_and_only_to_those_who_owe(owing, coordinator_b):
    assert reminders_send(today=DEADLINE - datetime.timedelta(days=7)) == 2
    assert sent_to() == sorted([coordinator_b.email, "plast@example.org"])
    body = OutgoingEmail.objects.get(to=coordinator_b.email).body
    assert "10.04.2025" in body and "Не внесено: 2" in body
    # Run again the same day (cron twice, a worker retry): nothing more.
    assert reminders_send(today=DEADLINE - datetime.timedelta(days=7)) == 0
    assert reminders_send(today=DEADLINE - datetime.timedelta(days=5)) == 0  # not a step
    assert reminders_send(today=DEADLINE - datetime.timedelta(days=3)) == 2
    assert OutgoingEmail.objects.count() == 4
    assert SentReminder.objects.filter(step=3).count() == 2


def test_a_school_that_submits_is_no_longer_reminded(owing, school_b, indicators, coordinator_b):
    Value.objects.filter(organization=school_b).update(status=ValueStatus.SUBMITTED)
    for indicator in indicators[1:]:
        ValueFactory(organization=school_b, indicator=indicator, period=owing, status=ValueStatus.SUBMITTED)
    reminders_send(today=DEADLINE - datetime.timedelta(days=1))
    assert sent_to() == ["plast@example.org"]


def test_the_office_gets_the_late_list_the_day_after_once(owing):
    assert reminders_send(today=DEADLINE) == 0
    assert reminders_send(today=DEADLINE + datetime.timedelta(days=1)) == 1
    mail = OutgoingEmail.objects.get()
    assert mail.to == "office@troitsk.example"
    assert "МОУ «СОШ № 15»" in mail.body and "МОУ «СОШ № 1 г. Пласт»" in mail.body and "СОШ № 13" not in mail.body
    assert reminders_send(today=DEADLINE + datetime.timedelta(days=1)) == 0


def test_the_table_refuses_a_second_reminder_for_the_same_step(owing, school_b):
    SentReminder.objects.create(period=owing, organization=school_b, step=7)
    with pytest.raises(IntegrityError), transaction.atomic():
        SentReminder.objects.create(period=owing, organization=school_b, step=7)
    SentReminder.objects.create(period=owing, organization=None, step=-1)
    with pytest.raises(IntegrityError), transaction.atomic():
        SentReminder.objects.create(period=owing, organization=None, step=-1)


def test_the_command_runs(owing):
    call_command("send_indicator_reminders")


def test_on_time_rate(owing, school_a, school_b):
    late = timezone.make_aware(datetime.datetime.combine(datetime.date(2025, 4, 11), datetime.time(9)))
    early = timezone.make_aware(datetime.datetime.combine(datetime.date(2025, 4, 9), datetime.time(9)))
    Value.objects.filter(organization=school_a).update(submitted_at=early)
    rates = {r["organization"]: r for r in on_time_rates(Organization.objects.all(), today=datetime.date(2025, 5, 1))}
    # The last four quarters past their deadline: 2025 Q1 (on time) and 2024 Q2–Q4 (nothing sent).
    assert (rates[school_a]["on_time"], rates[school_a]["periods"], rates[school_a]["rate"]) == (1, 4, 25.0)
    assert rates[school_b]["rate"] == 0.0
    Value.objects.filter(organization=school_a).update(submitted_at=late)
    rates = {r["organization"]: r for r in on_time_rates(Organization.objects.all(), today=datetime.date(2025, 5, 1))}
    assert rates[school_a]["rate"] == 0.0


def test_my_reports_due_page(client, coordinator_b, official, indicators):
    from indicators.models import Period

    Period.ensure_year(timezone.localdate().year)
    assert client.get(reverse("indicators:due")).status_code == 302
    client.force_login(official)
    assert client.get(reverse("indicators:due")).status_code == 403
    client.force_login(coordinator_b)
    response = client.get(reverse("indicators:due"))
    assert response.status_code == 200
    items = [row["item"] for row in response.context["rows"]]
    assert items and {i.organization.short_name for i in items} == {"МОУ «СОШ № 15»"}
    assert all(i.due_on == i.period.due_on for i in items)


def test_on_time_page_is_for_the_office(client, office, official, owing):
    client.force_login(official)
    assert client.get(reverse("reports:on_time")).status_code == 403
    client.force_login(office)
    assert client.get(reverse("reports:on_time")).status_code == 200


def test_bulk_approval_of_a_municipality_in_one_action(
    client, office, official, periods, indicators, municipality, year_2025, django_assert_max_num_queries
):
    from tests.factories import SchoolFactory

    schools = [SchoolFactory(parent=municipality) for _ in range(25)]
    for school in schools:
        for indicator in indicators:
            for n in (1, 2, 3, 4):
                ValueFactory(
                    organization=school, indicator=indicator, period=quarter(2025, n), status=ValueStatus.SUBMITTED
                )
    url = reverse("reports:approve_period") + f"?period={year_2025.pk}&municipality={municipality.pk}"
    client.force_login(official)
    assert client.post(url).status_code == 403
    client.force_login(office)
    with django_assert_max_num_queries(30):
        response = client.post(url)
    assert response.status_code == 302
    assert Value.objects.filter(status=ValueStatus.APPROVED).count() == 300
    assert Value.history.filter(history_change_reason="approved", status=ValueStatus.APPROVED).count() == 300
    assert Value.objects.filter(status=ValueStatus.APPROVED, reviewed_by=office).count() == 300
