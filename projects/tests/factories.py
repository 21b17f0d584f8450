from decimal import Decimal

import factory

from members.models import CountyBranch
from projects.models import Award, Figure, KeyVillage, Milestone, Programme, ReadingRoom


def county(slug: str = "baota") -> CountyBranch:
    """One of the 13 counties that members' data migration creates."""
    return CountyBranch.objects.get(slug=slug)


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"测试项目{n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    summary = "一句话简介"
    body = "<p>项目介绍</p>"
    order = factory.Sequence(lambda n: n)


class FigureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Figure

    programme = factory.SubFactory(ProgrammeFactory)
    measure = "累计培训海员"
    unit = Figure.Unit.PERSON
    year = factory.Sequence(lambda n: 2000 + n % 90)
    value = Decimal(100)
    source_text = "测试来源"


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    programme = factory.SubFactory(ProgrammeFactory)
    year = 2020
    title = factory.Sequence(lambda n: f"大事{n}")


class ReadingRoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReadingRoom

    programme = factory.SubFactory(ProgrammeFactory, slug="reading-rooms", goal=100)
    name = factory.Sequence(lambda n: f"书社{n}")
    county = factory.LazyFunction(county)
    kind = ReadingRoom.Kind.RURAL


class KeyVillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyVillage

    programme = factory.SubFactory(ProgrammeFactory, slug="ten-towns")
    name = factory.Sequence(lambda n: f"村{n}")
    town = "某镇"
    county = factory.LazyFunction(county)
    story = "革命故事"


class AwardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Award

    programme = factory.SubFactory(ProgrammeFactory, slug="selenium")
    year = 2023
    product = factory.Sequence(lambda n: f"富硒产品{n}")
    event = "第六届中国富硒农业发展大会"
    place = "合肥"
