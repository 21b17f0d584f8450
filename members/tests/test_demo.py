import pytest
from django.core.management import call_command

from members.models import COUNTIES, Body, Contact, CouncilUnit, CountyBranch, Honour, Organisation, Position, Rule, ServicePlatform

pytestmark = pytest.mark.django_db


def test_the_data_migration_creates_the_13_counties_once():
    # Run the migration's own function: a reused test database may have lost the rows it
    # made at migrate time to a transactional test's flush.
    from importlib import import_module

    from django.apps import apps

    migration = import_module("members.migrations.0002_thirteen_counties")
    CountyBranch.objects.all().delete()
    migration.create_counties(apps, None)
    migration.create_counties(apps, None)
    assert list(CountyBranch.objects.values_list("name", "slug")) == COUNTIES


def test_13_counties_exactly_once_after_load_demo_twice(counties):
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    assert CountyBranch.objects.count() == 13
    assert sorted(CountyBranch.objects.values_list("name", flat=True)) == sorted(name for name, _ in COUNTIES)
    assert CouncilUnit.objects.count() == 85
    assert CouncilUnit.objects.filter(category=CouncilUnit.Category.PARTY_GOVERNMENT).count() == 21
    assert CouncilUnit.objects.filter(category=CouncilUnit.Category.STATE_ENTERPRISE).count() == 8
    assert Organisation.objects.count() == 1
    assert Body.objects.count() == 8
    assert list(Rule.objects.values_list("name", flat=True)) == [
        "支部生活制度", "考勤制度", "财务管理制度", "项目管理制度", "车辆管理制度",
    ]
    assert ServicePlatform.objects.count() == 4
    assert Honour.objects.count() == 4
    assert Position.objects.get(title="会长").holder == "杨霄"


def test_demo_facts_match_facts_md(demo):
    organisation = Organisation.objects.get()
    assert (organisation.founded_year, organisation.merged_year) == (1993, 2021)
    assert (organisation.staff_count, organisation.established_staff_count, organisation.party_member_count) == (17, 3, 14)
    assert organisation.member_count == 1200
    assert "两块牌子一套人马" in organisation.summary
    assert set(Body.objects.filter(is_sample=False).values_list("name", flat=True)) == {"机关党支部"}


def test_invented_records_are_marked_as_samples(demo):
    assert not CouncilUnit.objects.filter(is_sample=False).exists()
    assert all("示例" in name for name in CouncilUnit.objects.values_list("name", flat=True))
    assert not CountyBranch.objects.filter(is_sample=False).exists()
    assert not Contact.objects.filter(is_sample=False).exists()


def test_load_demo_never_overwrites_or_duplicates_staff_edits(demo):
    Organisation.objects.filter(pk=1).update(staff_count=18)
    unit = CouncilUnit.objects.order_by("id").first()
    unit.name = "改名后的单位"
    unit.is_active = False
    unit.save()
    baota = CountyBranch.objects.get(slug="baota")
    baota.phone = "0911-2345678"
    baota.is_sample = False
    baota.save()
    Rule.objects.filter(name="考勤制度").update(is_active=False)

    call_command("load_demo", verbosity=0)

    assert Organisation.objects.get().staff_count == 18
    assert CouncilUnit.objects.count() == 85
    assert CouncilUnit.objects.get(pk=unit.pk).name == "改名后的单位"
    assert CountyBranch.objects.get(slug="baota").phone == "0911-2345678"
    assert Rule.objects.count() == 5 and not Rule.objects.get(name="考勤制度").is_active
