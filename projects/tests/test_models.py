from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from projects.models import Figure, Milestone

from .factories import FigureFactory, MilestoneFactory, ProgrammeFactory

pytestmark = pytest.mark.django_db


def test_one_figure_per_programme_measure_and_year_in_the_database():
    figure = FigureFactory(year=2024)
    with pytest.raises(IntegrityError), transaction.atomic():
        Figure.objects.create(
            programme=figure.programme, measure=figure.measure, unit="人", year=2024, value=1, source_text="x"
        )
    # Another year, another measure or another programme is fine.
    FigureFactory(programme=figure.programme, year=2023)
    FigureFactory(programme=figure.programme, measure="就业率", year=2024)
    FigureFactory(year=2024)
    assert Figure.objects.count() == 4


def test_negative_values_are_refused_by_the_database():
    figure = FigureFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Figure.objects.filter(pk=figure.pk).update(value=Decimal("-1"))
    figure.refresh_from_db()
    assert figure.value == 100


def test_years_outside_the_sensible_range_are_refused_by_the_database():
    figure = FigureFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Figure.objects.filter(pk=figure.pk).update(year=20)


def test_constraint_errors_reach_the_admin_form_in_chinese():
    figure = FigureFactory(year=2024)
    duplicate = Figure(programme=figure.programme, measure=figure.measure, unit="人", year=2024, value=-5)
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    messages = str(error.value)
    assert "该年份已有数据" in messages
    assert "数值不能为负数" in messages or "确保该值大于或等于" in messages


def test_a_real_figure_needs_a_source_a_sample_does_not():
    programme = ProgrammeFactory()
    real = Figure(programme=programme, measure="示范面积", unit="亩", year=2018, value=150)
    with pytest.raises(ValidationError, match="必须注明来源"):
        real.full_clean()
    Figure(programme=programme, measure="示范面积", unit="亩", year=2019, value=320, is_sample=True).full_clean()


@pytest.mark.parametrize(
    ("value", "at_least", "shown"),
    [(6000, True, "6,000+"), (14000, False, "14,000"), (Decimal("12.50"), False, "12.5"), (0, False, "0")],
)
def test_display_value(value, at_least, shown):
    assert Figure(value=Decimal(value), at_least=at_least).display_value == shown


def test_programme_body_is_sanitised_on_save():
    programme = ProgrammeFactory(body='<p onclick="x()">介绍<script>alert(1)</script></p><img src="https://evil.example/a.png">')
    programme.refresh_from_db()
    assert "script" not in programme.body
    assert "onclick" not in programme.body
    assert "evil.example" not in programme.body
    assert "介绍" in programme.body


def test_milestone_dates_of_each_precision():
    assert MilestoneFactory(year=2007).display_date == "2007年"
    october = MilestoneFactory(year=2023, month=10)
    assert (october.display_date, october.iso_date) == ("2023年10月", "2023-10")
    day = MilestoneFactory(year=2024, month=7, day=18)
    assert (day.display_date, day.iso_date) == ("2024年7月18日", "2024-07-18")


def test_milestone_day_without_month_is_refused():
    milestone = MilestoneFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Milestone.objects.filter(pk=milestone.pk).update(day=5, month=None)
    with pytest.raises(ValidationError):
        Milestone(programme=milestone.programme, year=2023, month=2, day=30, title="x").full_clean()


@pytest.mark.postgres
def test_constraints_exist_in_the_postgresql_catalog():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'projects_figure'::regclass AND contype IN ('u', 'c')"
        )
        names = {row[0] for row in cursor.fetchall()}
    assert {"figure_one_per_programme_measure_year", "figure_value_not_negative", "figure_year_range"} <= names


def test_hero_image_is_checked_by_content():
    from django.core.files.uploadedfile import SimpleUploadedFile

    programme = ProgrammeFactory()
    programme.hero_image = SimpleUploadedFile("photo.jpg", b"<html>not an image</html>", content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        programme.full_clean()
    assert "hero_image" in error.value.message_dict
