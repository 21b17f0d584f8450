import pytest
from django.urls import reverse

from projects.models import Figure, Programme

from .factories import AwardFactory, FigureFactory, KeyVillageFactory, MilestoneFactory, ReadingRoomFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_superuser("admin", "admin@example.com", "pw-123456789")
    client.force_login(user)
    return client


def test_programme_admin_has_figure_and_milestone_inlines_with_autocomplete(staff):
    figure = FigureFactory()
    MilestoneFactory(programme=figure.programme)
    response = staff.get(reverse("admin:projects_programme_change", args=[figure.programme.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "年度数据" in html and "大事记" in html
    # The source article is chosen by search, not from a select of every article.
    assert 'data-model-name="article"' in html or "admin-autocomplete" in html


@pytest.mark.parametrize(
    ("model", "params"),
    [
        ("readingroom", "?county__id__exact=1&kind__exact=campus"),
        ("keyvillage", "?county__id__exact=1"),
        ("award", "?year=2023"),
        ("figure", "?year=2024"),
    ],
)
def test_changelists_filter_by_county_kind_and_year(staff, model, params):
    ReadingRoomFactory()
    KeyVillageFactory()
    AwardFactory()
    FigureFactory(year=2024)
    response = staff.get(reverse(f"admin:projects_{model}_changelist") + params)
    assert response.status_code == 200


def test_reading_room_filter_by_kind_shows_only_that_kind(staff):
    ReadingRoomFactory(name="校园书社甲", kind="campus")
    ReadingRoomFactory(name="乡村书社乙", kind="rural")
    html = staff.get(reverse("admin:projects_readingroom_changelist") + "?kind__exact=campus").content.decode()
    assert "校园书社甲" in html and "乡村书社乙" not in html


def test_autocomplete_finds_articles_for_a_figure_source(staff):
    from news.tests.factories import ArticleFactory

    ArticleFactory(title="富硒农业示范推广")
    response = staff.get(
        reverse("admin:autocomplete"),
        {"term": "富硒", "app_label": "projects", "model_name": "figure", "field_name": "source_article"},
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["富硒农业示范推广"]


def test_adding_a_duplicate_year_in_the_admin_is_a_form_error(staff):
    figure = FigureFactory(year=2024)
    programme = figure.programme
    data = {
        "name": programme.name, "slug": programme.slug, "summary": "", "body": "", "partners": "",
        "hero_alt": "", "headline_measure": "", "goal_label": "", "order": 0, "is_active": "on",
        "figures-TOTAL_FORMS": 2, "figures-INITIAL_FORMS": 1, "figures-MIN_NUM_FORMS": 0, "figures-MAX_NUM_FORMS": 1000,
        "figures-0-id": figure.pk, "figures-0-programme": programme.pk, "figures-0-measure": figure.measure,
        "figures-0-unit": "人", "figures-0-year": 2024, "figures-0-value": "100", "figures-0-is_cumulative": "on",
        "figures-0-source_text": "来源",
        "figures-1-programme": programme.pk, "figures-1-measure": figure.measure, "figures-1-unit": "人",
        "figures-1-year": 2024, "figures-1-value": "-3", "figures-1-source_text": "来源",
        "milestones-TOTAL_FORMS": 0, "milestones-INITIAL_FORMS": 0, "milestones-MIN_NUM_FORMS": 0, "milestones-MAX_NUM_FORMS": 1000,
    }
    response = staff.post(reverse("admin:projects_programme_change", args=[programme.pk]), data)
    assert response.status_code == 200  # the form again, with errors
    html = response.content.decode()
    assert "该年份已有数据" in html or "已存在" in html
    assert Figure.objects.count() == 1
    assert Programme.objects.get(pk=programme.pk).name == programme.name
