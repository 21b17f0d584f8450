import pytest
from django.urls import reverse

from members.models import Contact, CouncilUnit, CountyBranch, Organisation
from members.selectors import footer_contact
from members.tests.factories import ContactFactory, CouncilUnitFactory, OrganisationFactory
from yanan_portal.admin_mixins import record_fingerprint

pytestmark = pytest.mark.django_db

MODELS = ["countybranch", "councilunit", "organisation", "body", "position", "rule", "serviceplatform", "honour", "milestone", "contact"]


@pytest.fixture
def staff(admin_client):
    return admin_client


@pytest.mark.parametrize("model", MODELS)
def test_every_members_admin_page_renders_in_chinese(counties, staff, model):
    CouncilUnitFactory()
    OrganisationFactory()
    response = staff.get(reverse(f"admin:members_{model}_changelist"))
    assert response.status_code == 200
    assert "选择" in response.content.decode()  # “选择 … 来修改”: the admin speaks Chinese


def test_county_change_form_edits_details_and_sanitises_intro(counties, staff):
    branch = counties["luochuan"]
    response = staff.post(
        reverse("admin:members_countybranch_change", args=[branch.pk]),
        {
            "order": 10,
            "association_name": "洛川县老区建设促进会",
            "revitalisation_name": "洛川县乡村振兴协会",
            "president": "王五",
            "staff_count": 5,
            "has_establishment": "true",
            "last_election_year": 2024,
            "address": "洛川县凤栖街道",
            "phone": "0911-3621234",
            "intro": '<p>简介<script>x</script></p>',
            "photo_alt": "",
            "edit_token": record_fingerprint(CountyBranch, branch.pk),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    branch.refresh_from_db()
    assert (branch.president, branch.has_establishment, branch.last_election_year) == ("王五", True, 2024)
    assert branch.intro == "<p>简介</p>"
    assert branch.name == "洛川县"  # read-only in the admin


def test_county_intro_with_a_foreign_photo_is_refused_not_silently_cut(counties, staff):
    # The sanitiser would drop it; the editor is told instead, with the text kept (as for articles).
    branch = counties["luochuan"]
    response = staff.post(
        reverse("admin:members_countybranch_change", args=[branch.pk]),
        {"order": 10, "intro": '<p>新简介<img src="https://evil.example/x.png" alt="外链"></p>', "photo_alt": "",
         "edit_token": record_fingerprint(CountyBranch, branch.pk)},
    )
    assert response.status_code == 200
    assert "来自其他网站的图片" in response.content.decode() and "新简介" in response.content.decode()
    branch.refresh_from_db()
    assert "新简介" not in branch.intro


def test_county_with_impossible_election_year_gets_a_form_error(counties, staff):
    branch = counties["luochuan"]
    response = staff.post(
        reverse("admin:members_countybranch_change", args=[branch.pk]),
        {"order": 10, "last_election_year": 1950, "intro": "", "photo_alt": "", "edit_token": record_fingerprint(CountyBranch, branch.pk)},
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    branch.refresh_from_db()
    assert branch.last_election_year is None


def test_counties_cannot_be_added_or_deleted(counties, staff):
    branch = counties["baota"]
    assert staff.get(reverse("admin:members_countybranch_add")).status_code == 403
    assert staff.post(reverse("admin:members_countybranch_delete", args=[branch.pk]), {"post": "yes"}).status_code == 403
    staff.post(
        reverse("admin:members_countybranch_changelist"),
        {"action": "delete_selected", "_selected_action": [branch.pk], "post": "yes"},
    )
    assert CountyBranch.objects.count() == 13


def test_council_units_are_deactivated_not_deleted(staff):
    unit = CouncilUnitFactory(name="要停用的单位")
    other = CouncilUnitFactory()
    assert staff.post(reverse("admin:members_councilunit_delete", args=[unit.pk]), {"post": "yes"}).status_code == 403
    response = staff.post(
        reverse("admin:members_councilunit_changelist"),
        {"action": "deactivate", "_selected_action": [unit.pk]},
        follow=True,
    )
    assert "已停用 1 个理事单位" in response.content.decode()
    unit.refresh_from_db()
    other.refresh_from_db()
    assert not unit.is_active and other.is_active
    assert CouncilUnit.objects.count() == 2
    staff.post(reverse("admin:members_councilunit_changelist"), {"action": "activate", "_selected_action": [unit.pk]})
    unit.refresh_from_db()
    assert unit.is_active


def test_council_unit_logo_must_be_an_image(staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = staff.post(
        reverse("admin:members_councilunit_add"),
        {
            "name": "伪装图片的单位",
            "category": "enterprise",
            "role": 4,
            "order": 0,
            "is_active": "on",
            "joined_year": 2020,
            "logo": SimpleUploadedFile("logo.png", b"MZ\x90\x00not an image", content_type="image/png"),
        },
    )
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["logo"]
    assert not CouncilUnit.objects.exists()


def test_only_one_organisation_record(staff):
    assert staff.get(reverse("admin:members_organisation_add")).status_code == 200
    OrganisationFactory()
    assert staff.get(reverse("admin:members_organisation_add")).status_code == 403
    assert staff.post(reverse("admin:members_organisation_delete", args=[1]), {"post": "yes"}).status_code == 403
    assert Organisation.objects.count() == 1


def test_saving_a_contact_in_the_admin_refreshes_the_footer(staff):
    OrganisationFactory()
    contact = ContactFactory(value="0911-1111111")
    assert footer_contact()["contacts"][0]["value"] == "0911-1111111"
    response = staff.post(
        reverse("admin:members_contact_change", args=[contact.pk]),
        {"label": "办公室电话", "kind": "phone", "value": "0911-2222222", "in_footer": "on", "order": 0, "is_active": "on",
         "edit_token": record_fingerprint(Contact, contact.pk)},
    )
    assert response.status_code == 302
    assert footer_contact()["contacts"][0]["value"] == "0911-2222222"
    assert Contact.objects.count() == 1


@pytest.mark.parametrize("model", ["countybranch", "organisation"])
def test_change_forms_render_with_chinese_labels(demo, staff, model):
    pk = CountyBranch.objects.get(slug="luochuan").pk if model == "countybranch" else 1
    html = staff.get(reverse(f"admin:members_{model}_change", args=[pk])).content.decode()
    expected = ["老促会全称", "乡村振兴协会全称", "最近一次换届年份", "联系电话"] if model == "countybranch" else ["另一块牌子", "驻会人员", "领导班子说明"]
    for label in expected:
        assert label in html


def test_yes_no_icons_are_read_out_in_chinese(staff):
    ContactFactory(label="办公电话", is_sample=True)
    ContactFactory(label="传真", is_sample=False)
    page = staff.get(reverse("admin:members_contact_changelist")).content.decode()
    assert 'alt="是"' in page and 'alt="否"' in page
    assert 'alt="True"' not in page and 'alt="False"' not in page
