import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction

from members.models import CouncilUnit, CountyBranch, Organisation
from members.tests.factories import ContactFactory, CouncilUnitFactory, HonourFactory

pytestmark = pytest.mark.django_db


def test_county_intro_is_sanitised_on_save(counties):
    branch = counties["baota"]
    branch.intro = '<p onclick="x()">简介<script>alert(1)</script><span style="color:red">红</span></p><p></p>'
    branch.save()
    branch.refresh_from_db()
    assert branch.intro == "<p>简介红</p>"


def test_phone_href_keeps_digits_only(counties):
    branch = counties["luochuan"]
    branch.phone = "0911 - 362 1234"
    assert branch.phone_href == "tel:09113621234"
    branch.phone = "待定"
    assert branch.phone_href == ""


def test_contact_links():
    assert ContactFactory.build(value="+86 911 1234567").href == "tel:+869111234567"
    assert ContactFactory.build(kind="email", value="office@example.org").href == "mailto:office@example.org"
    assert ContactFactory.build(kind="address", value="延安").href == ""


def test_organisation_is_a_single_record():
    Organisation(name="第一次").save()
    Organisation(name="第二次").save()
    assert list(Organisation.objects.values_list("id", "name")) == [(1, "第二次")]
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.bulk_create([Organisation(id=2)])


def test_organisation_load_without_a_record_is_a_default():
    organisation = Organisation.load()
    assert organisation.pk == 1 and organisation.name == "延安市老区建设促进会"
    assert not Organisation.objects.exists()


@pytest.mark.parametrize(
    "make",
    [
        lambda: CouncilUnitFactory(joined_year=1980),
        lambda: HonourFactory(year=1990),
        lambda: HonourFactory(year=2023, end_year=2021),
        lambda: Organisation.objects.create(staff_count=2, established_staff_count=3),
    ],
    ids=["unit-joined-before-founding", "honour-before-founding", "honour-ends-before-start", "more-established-than-staff"],
)
def test_database_refuses_impossible_years_and_counts(make):
    with pytest.raises(IntegrityError), transaction.atomic():
        make()


def test_county_names_and_slugs_are_unique(counties):
    with pytest.raises(IntegrityError), transaction.atomic():
        CountyBranch.objects.create(name="宝塔区", slug="baota-2")


def test_logo_is_checked_by_content():
    unit = CouncilUnitFactory.build(logo=SimpleUploadedFile("logo.png", b"<?php echo 1; ?>", content_type="image/png"))
    with pytest.raises(ValidationError) as error:
        unit.full_clean()
    assert "logo" in error.value.message_dict


def test_honour_years_label():
    assert HonourFactory.build(year=2021, end_year=2023).years_label == "2021–2023年"
    assert HonourFactory.build(year=2019).years_label == "2019年"
    assert str(HonourFactory.build(year=2019, title="先进单位")) == "2019年 先进单位"


def test_visible_excludes_inactive_units():
    active = CouncilUnitFactory()
    CouncilUnitFactory(is_active=False)
    assert list(CouncilUnit.objects.visible()) == [active]


def test_sitemaps_list_every_about_page_and_county(counties):
    from members.sitemaps import AboutSitemap, CountyBranchSitemap

    SITEMAPS = {"about": AboutSitemap, "branches": CountyBranchSitemap}

    locations = [item for sitemap in SITEMAPS.values() for item in (sitemap().location(i) for i in sitemap().items())]
    assert "/about/" in locations and "/about/council/" in locations
    assert "/branches/luochuan/" in locations and len(locations) == 5 + 13
    # The county index is listed with the other list pages (yanan_portal.sitemaps "pages").
