from decimal import Decimal

import pytest
from django.core.management import call_command

from projects.models import Award, Figure, KeyVillage, Milestone, Programme, ReadingRoom

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)


def _figure(slug, measure, year):
    return Figure.objects.get(programme__slug=slug, measure=measure, year=year)


def test_real_figures_are_those_of_facts_md_with_sources(demo):
    assert _figure("selenium", "示范面积", 2018).value == 150
    assert _figure("selenium", "示范面积", 2024).value == 14000
    assert _figure("selenium", "示范产品数", 2018).value == 3
    assert _figure("selenium", "示范产品数", 2024).value == 18
    seafarers = _figure("seafarers", "累计培训海员", 2024)
    assert (seafarers.value, seafarers.at_least, seafarers.display_value) == (6000, True, "6,000+")
    assert _figure("seafarers", "就业率", 2024).value == 100
    assert _figure("reading-rooms", "书社数量", 2024).value == 35
    for figure in Figure.objects.filter(is_sample=False):
        assert not figure.is_sample
        assert figure.source_article_id or figure.source_text, figure
        assert figure.source_article is None or figure.source_article.is_published
    assert set(Award.objects.filter(year=2023, is_sample=False).values_list("product", flat=True)) == {
        "富硒苹果", "富硒小米", "富硒红薯"
    }
    assert Award.objects.filter(year=2024).count() == 9


def test_invented_records_are_marked_as_sample(demo):
    # Values between two real figures, the unnamed rooms, products and villages.
    assert _figure("selenium", "示范面积", 2021).is_sample
    assert ReadingRoom.objects.count() == 35
    assert not ReadingRoom.objects.filter(is_sample=False).exists()
    assert not KeyVillage.objects.filter(is_sample=False).exists()
    assert all("示例" in name for name in ReadingRoom.objects.values_list("name", flat=True))
    assert all("示例" in p for p in Award.objects.filter(year=2024).values_list("product", flat=True))
    assert ReadingRoom.objects.values("county").distinct().count() == 13


def test_demo_is_idempotent_and_keeps_staff_edits(demo):
    counts = [m.objects.count() for m in (Programme, Figure, Milestone, ReadingRoom, KeyVillage, Award)]
    figure = _figure("seafarers", "累计培训海员", 2024)
    figure.value = Decimal(6100)
    figure.save()
    programme = Programme.objects.get(slug="selenium")
    programme.body = "<p>编辑改写的介绍</p>"
    programme.partners = ""
    programme.save()

    call_command("load_demo", verbosity=0)

    assert counts == [m.objects.count() for m in (Programme, Figure, Milestone, ReadingRoom, KeyVillage, Award)]
    assert _figure("seafarers", "累计培训海员", 2024).value == 6100
    programme.refresh_from_db()
    assert programme.body == "<p>编辑改写的介绍</p>"
    # An emptied field is filled again (the demo only fills what is empty).
    assert programme.partners == "中国农业技术推广协会富硒委员会"
