"""Reporting periods 2021–2030 (years, halves, quarters, academic years), so a
fresh installation can take values at once; more are added in the admin."""

import calendar
import datetime

from django.db import migrations

YEARS = range(2021, 2031)


def periods():
    for year in YEARS:
        yield "year", year, 0, datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        for number, (first, last) in enumerate(((1, 6), (7, 12)), start=1):
            yield "half", year, number, datetime.date(year, first, 1), datetime.date(year, last, calendar.monthrange(year, last)[1])
        for number in range(1, 5):
            first, last = number * 3 - 2, number * 3
            yield "quarter", year, number, datetime.date(year, first, 1), datetime.date(year, last, calendar.monthrange(year, last)[1])
        yield "academic", year, 0, datetime.date(year, 9, 1), datetime.date(year + 1, 8, 31)


def create(apps, schema_editor):
    Period = apps.get_model("indicators", "Period")
    for kind, year, number, starts_on, ends_on in periods():
        Period.objects.get_or_create(
            kind=kind, year=year, number=number, defaults={"starts_on": starts_on, "ends_on": ends_on}
        )


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
