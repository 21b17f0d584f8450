import factory

from members.models import COUNTIES, Body, Contact, CouncilUnit, CountyBranch, Honour, Milestone, Organisation, Position, Rule


def ensure_counties() -> dict[str, CountyBranch]:
    """The 13 counties of the data migration; a transactional test's flush removes them,
    so tests that need them ask for them rather than trust the migration's rows."""
    return {
        slug: CountyBranch.objects.get_or_create(slug=slug, defaults={"name": name, "order": order})[0]
        for order, (name, slug) in enumerate(COUNTIES, start=1)
    }


class CouncilUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouncilUnit

    name = factory.Sequence(lambda n: f"测试理事单位{n}")
    category = CouncilUnit.Category.ENTERPRISE
    role = CouncilUnit.Role.MEMBER
    joined_year = 2020


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ["id"]

    id = 1
    name = "延安市老区建设促进会"
    short_name = "延安市老促会"
    second_name = "延安市乡村振兴协会"
    merged_year = 2021
    summary = "两块牌子一套人马。"
    staff_count = 17
    established_staff_count = 3
    member_count = 1200


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body

    name = factory.Sequence(lambda n: f"测试机构{n}")
    kind = Body.Kind.OFFICE
    duties = "职责一\n职责二"


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    title = factory.Sequence(lambda n: f"测试职务{n}")
    holder = "张三"


class RuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rule

    name = factory.Sequence(lambda n: f"测试制度{n}")


class HonourFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Honour

    title = factory.Sequence(lambda n: f"测试荣誉{n}")
    year = 2019


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    title = factory.Sequence(lambda n: f"测试大事{n}")
    year = 2010


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    label = "办公室电话"
    kind = Contact.Kind.PHONE
    value = "0911-1234567"
