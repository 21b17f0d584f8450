"""Every rich text in the admin is written in the article's editor: Chinese toolbar names,
插入图片 with its 浏览… upload, Enter leaving a photo's caption, and the same refusal of photos
that the sanitiser would otherwise drop without a word."""

import io

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models
from django.urls import reverse
from PIL import Image

from projects.models import Programme
from yanan_portal.admin_mixins import RICH_TEXT_EDITOR_CSS, RICH_TEXT_EDITOR_JS, PhotoPipelineMixin, RichTextAdminMixin, rich_text_models
from yanan_portal.richtext import rich_text_fields
from yanan_portal.tests.admin_forms import posted_form

pytestmark = pytest.mark.django_db

PICKER = "/admin/news/article/photo-picker/"


@pytest.fixture
def superuser(client):
    client.force_login(User.objects.create_superuser("guanli", password="x"))


def test_every_model_with_rich_text_has_the_editor_admin():
    models = rich_text_models()
    assert {m._meta.label for m in models} >= {
        "news.Article", "projects.Programme", "members.CountyBranch", "members.Organisation", "members.Rule"
    }
    for model in models:
        assert isinstance(admin.site._registry[model], RichTextAdminMixin), model._meta.label


@pytest.mark.parametrize("model", rich_text_models(), ids=lambda model: model._meta.label)
def test_the_editor_speaks_chinese_and_uploads_photos_everywhere(client, superuser, model):
    call_command("load_demo", verbosity=0)
    instance = model._default_manager.order_by("pk").first()
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[instance.pk])
    html = client.get(url).content.decode()
    for script in RICH_TEXT_EDITOR_JS:
        assert html.count(script.removesuffix(".js")) == 1, script
    for stylesheet in RICH_TEXT_EDITOR_CSS:
        assert html.count(stylesheet.removesuffix(".css")) == 1, stylesheet
    # 草稿保护 (static/js/draft-protection.js) finds its form by this marker.
    assert '<div id="draft-protection" hidden data-user="guanli" data-adding="false"' in html
    # Not in a popup: its save is never confirmed to the script, so the copy would come back.
    assert 'id="draft-protection"' not in client.get(url + "?_popup=1").content.decode()
    # The 插入图片 dialog's 浏览… button opens the photo upload window.
    assert f"&quot;pickerUrl&quot;:&quot;{PICKER}&quot;" in html


@pytest.mark.parametrize(
    "model", [m for m in rich_text_models() if m._meta.label != "news.Article"], ids=lambda model: model._meta.label
)
def test_staff_who_may_only_view_read_the_text_not_its_html(client, model):
    """(The article's own read-only view is tested in news/tests/test_admin_workflow.py.)"""
    from news.tests.roles import make_staff

    call_command("load_demo", verbosity=0)
    viewer = make_staff("chakan", None)
    viewer.is_staff = True
    viewer.save()
    viewer.user_permissions.add(Permission.objects.get(codename=f"view_{model._meta.model_name}", content_type__app_label=model._meta.app_label))
    client.force_login(viewer)
    instance = model._default_manager.order_by("pk").first()
    (field,) = rich_text_fields(model)
    # As stored by an older version or a script: the page sanitises it again before showing it.
    model._default_manager.filter(pk=instance.pk).update(**{field.name: "<p>第一段<strong>加粗</strong>。</p><script>alert(1)</script>"})
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[instance.pk])
    html = client.get(url).content.decode()
    assert '<div class="rich-text-readonly"><p>第一段<strong>加粗</strong>。</p></div>' in html
    assert "&lt;p&gt;第一段" not in html and "alert(1)" not in html
    assert html.count('class="rich-text-readonly"') == 1
    assert f"<label>{field.verbose_name}:</label>" in html


@pytest.mark.parametrize(
    "photo, message",
    [
        ('<img src="https://example.com/a.jpg" alt="外链">', "来自其他网站的图片"),
        ('<img src="data:image/png;base64,iVBORw0KGgo=" alt="粘贴">', "直接粘贴进来的图片"),
        # How Word/WPS paste a photo: a file on the writer's computer, not another website's.
        ('<img src="file:///C:/Users/office/AppData/Local/Temp/wps1.jpg" alt="本机">', "电脑本机上的图片(file:///C:/Users/office"),
        ('<img src="/media/photos/2024/01/none.jpg" alt="不存在">', "在网站上找不到"),
    ],
)
def test_a_photo_the_site_would_drop_is_refused_in_a_programme_text(client, superuser, photo, message):
    call_command("load_demo", verbosity=0)
    programme = Programme.objects.get(slug="seafarers")
    before = programme.body
    url = reverse("admin:projects_programme_change", args=[programme.pk])
    form = posted_form(client.get(url).content.decode(), Programme)
    typed = f"<p>新写的一段介绍。</p><figure>{photo}<figcaption>说明</figcaption></figure>"
    response = client.post(url, form | {"body": [typed]})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and "新写的一段介绍" in page  # told why, and nothing typed is lost
    programme.refresh_from_db()
    assert programme.body == before


def staff_with(*codenames):
    user = User.objects.create_user("bianji", password="x", is_staff=True)
    for codename in codenames:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return user


@pytest.mark.parametrize(
    "codenames, status",
    [
        (["change_programme"], 200),
        (["change_countybranch"], 200),
        (["add_article"], 200),
        (["add_rule"], 200),
        (["view_programme", "view_article", "change_figure"], 403),
        (["change_historicalarticle"], 403),
        ([], 403),
    ],
)
def test_whoever_writes_some_rich_text_may_upload_a_photo_for_it(client, codenames, status):
    client.force_login(staff_with(*codenames))
    assert client.get(PICKER).status_code == status


def test_every_admin_that_takes_files_names_them_again_when_the_form_has_errors():
    """Browsers never keep a chosen file on a form shown again: every admin whose form takes
    files (its model's or an inline's) says which ones to choose again."""
    for model, model_admin in admin.site._registry.items():
        forms_models = [model] + [inline.model for inline in model_admin.inlines]
        takes_files = any(isinstance(field, models.FileField) and field.editable
                          for each in forms_models for field in each._meta.concrete_fields)
        if takes_files:
            assert isinstance(model_admin, PhotoPipelineMixin), model._meta.label


def test_a_photo_chosen_beside_a_refused_text_is_named_again(client, superuser):
    call_command("load_demo", verbosity=0)
    programme = Programme.objects.get(slug="seafarers")
    url = reverse("admin:projects_programme_change", args=[programme.pk])
    form = posted_form(client.get(url).content.decode(), Programme)
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (20, 60, 120)).save(buffer, "JPEG")
    photo = SimpleUploadedFile("海员合影.jpg", buffer.getvalue(), content_type="image/jpeg")
    typed = '<p>新介绍</p><figure><img src="https://example.com/a.jpg" alt="外链"></figure>'
    response = client.post(url, form | {"body": [typed], "hero_image": photo, "hero_alt": ["海员合影"]})
    assert response.status_code == 200
    page = response.content.decode()
    assert "来自其他网站的图片" in page and page.count('class="errorlist') == 1  # the text only
    assert "请重新选择这些文件后再保存:海员合影.jpg" in page


def test_a_photo_chosen_beside_an_edit_conflict_is_named_again(client, superuser):
    """The conflict is the page's message (not a form error), and the chosen photo is still named."""
    from yanan_portal.admin_mixins import EDIT_CONFLICT_MESSAGE

    call_command("load_demo", verbosity=0)
    programme = Programme.objects.get(slug="seafarers")
    url = reverse("admin:projects_programme_change", args=[programme.pk])
    form = posted_form(client.get(url).content.decode(), Programme)
    Programme.objects.filter(pk=programme.pk).update(summary="同事刚改过")
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (20, 60, 120)).save(buffer, "JPEG")
    photo = SimpleUploadedFile("海员合影.jpg", buffer.getvalue(), content_type="image/jpeg")
    page = client.post(url, form | {"summary": ["我的简介"], "hero_image": photo, "hero_alt": ["海员合影"]}).content.decode()
    assert f'<li class="error">{EDIT_CONFLICT_MESSAGE}</li>' in page
    assert "请重新选择这些文件后再保存:海员合影.jpg" in page

