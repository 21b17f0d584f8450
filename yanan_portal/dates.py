"""The years a date typed by staff may carry, in every app.

The association was founded in 1993 and some records reach back to the years before it;
anything outside these years is a typing error. Outside them, dates also break: year 1 in
Beijing time is a year before 1 in UTC, which PostgreSQL stores and Python cannot read back
(every page listing the record failed), and the admin's date drill-down fails at year 9999.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

YEAR_MIN = 1949
YEAR_MAX = 2100

YEAR_RANGE_MESSAGE = _("日期的年份应在 %(min)d 到 %(max)d 年之间,请检查是否输错。")


def year_in_range(year: int) -> bool:
    return YEAR_MIN <= year <= YEAR_MAX


def validate_date_in_range(value: datetime.date | None) -> None:
    """For a DateField or DateTimeField (and forms' date fields)."""
    if value is not None and not year_in_range(value.year):
        raise ValidationError(YEAR_RANGE_MESSAGE, code="year_range", params={"min": YEAR_MIN, "max": YEAR_MAX})


def date_in_range_constraint(field: str, name: str) -> models.CheckConstraint:
    """The database's guard for a date-time column that any door (a command, an import,
    ``update()``) may write. A year wider than the validator's on each side, so that a value
    the validator accepts in Beijing time is never refused in UTC."""
    earliest = datetime.datetime(YEAR_MIN - 1, 1, 1, tzinfo=datetime.UTC)
    latest = datetime.datetime(YEAR_MAX + 2, 1, 1, tzinfo=datetime.UTC)
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": earliest, f"{field}__lt": latest}),
        name=name,
        violation_error_message=YEAR_RANGE_MESSAGE % {"min": YEAR_MIN, "max": YEAR_MAX},
    )
