"""The admin keeps staff from harm they cannot see: dates that break every page, a drill-down
that crashes, two people saving over each other, photos that keep their GPS position and a
guessable name, an action that a view-only account may run."""

import datetime
import io

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from PIL import Image

from members.models import CountyBranch
from news.models import Article
from news.publications import Publication
from news.tests.factories import ArticleFactory, PublicationFactory
from news.tests.roles import PUBLISHER, make_staff
from projects.models import Programme
from projects.tests.factories import ProgrammeFactory, ReadingRoomFactory
from yanan_portal.admin_mixins import EDIT_CONFLICT_MESSAGE, EditConflictMixin
from yanan_portal.tests.admin_forms import posted_form

pytestmark = pytest.mark.django_db

YEAR_ONE = datetime.datetime(1, 1, 2, tzinfo=datetime.UTC)


@pytest.fixture
def superuser(client):
    user = User.objects.create_superuser("guanli", password="x")
    client.force_login(user)
    return user


def change_url(instance):
    return reverse(f"admin:{instance._meta.app_label}_{instance._meta.model_name}_change", args=[instance.pk])


# --- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "action, at",
    [("publish", "0001-01-01T00:00"), ("publish", "1900-06-01T08:00"), ("schedule", "9999-12-31T23:59")],
)
def test_a_publish_time_outside_the_years_is_refused_with_the_comment_kept(client, action, at):
    client.force_login(make_staff("shenhe", PUBLISHER))
    article = ArticleFactory(status=Article.Status.REVIEW, published_at=None)
    response = client.post(
        reverse("admin:news_article_transition", args=[article.pk, action]),
        {"comment": "核对过的意见", "at": at, "import_old": "on"},
    )
    assert response.status_code == 200  # the form again, as Django's admin answers an invalid form
    page = response.content.decode()
    assert "日期的年份应在 1949 到 2100 年之间" in page and "核对过的意见" in page
    article.refresh_from_db()
    assert (article.status, article.published_at) == (Article.Status.REVIEW, None)
    assert client.get("/").status_code == 200


def test_an_old_article_from_1995_is_still_imported(client):
    client.force_login(make_staff("shenhe", PUBLISHER))
    article = ArticleFactory(status=Article.Status.REVIEW, published_at=None)
    response = client.post(
        reverse("admin:news_article_transition", args=[article.pk, "publish"]),
        {"comment": "", "at": "1995-05-04T09:00", "import_old": "on"},
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.is_published and article.published_at.year == 1995


@pytest.mark.parametrize("model, factory", [(Article, ArticleFactory), (Publication, PublicationFactory)])
def test_the_database_refuses_a_publish_time_outside_the_years(model, factory):
    """Any door that skips the forms (update(), a command): the page would fail for everyone."""
    record = factory()
    with pytest.raises(IntegrityError), transaction.atomic():
        model.objects.filter(pk=record.pk).update(published_at=YEAR_ONE)


def test_typed_dates_outside_the_years_are_field_errors():
    publication = PublicationFactory.build(published_at=YEAR_ONE)
    with pytest.raises(ValidationError) as refused:
        publication.full_clean()
    assert "published_at" in refused.value.message_dict
    room = ReadingRoomFactory.build(opened=datetime.date(9999, 12, 31))
    with pytest.raises(ValidationError) as refused:
        room.full_clean(exclude=["programme", "county"])
    assert "1949 到 2100" in refused.value.message_dict["opened"][0]


def test_the_publication_form_shows_the_date_error(client, superuser):
    publication = PublicationFactory()
    form = posted_form(client.get(change_url(publication)).content.decode(), Publication)
    form.update({"published_at_0": ["0001-01-01"], "published_at_1": ["00:00:00"]})
    response = client.post(change_url(publication), form)
    assert response.status_code == 200
    assert "1949 到 2100" in response.content.decode()


DRILL_DOWNS = [
    ("admin:news_article_changelist", "published_at"),
    ("admin:news_publication_changelist", "published_at"),
    ("admin:projects_readingroom_changelist", "opened"),
]


@pytest.mark.parametrize("url_name, field", DRILL_DOWNS)
@pytest.mark.parametrize(
    "query",
    ["{f}__year=9999", "{f}__year=9999&{f}__month=12", "{f}__year=9999&{f}__month=12&{f}__day=31",
     "{f}__year=1&{f}__month=1&{f}__day=1", "{f}__year=abc", "{f}__year=2024&{f}__month=13",
     "{f}__year=99999999999999999999", "{f}__year=2026&{f}__month=99999999999999999999",
     "{f}__year=2026&{f}__month=1&{f}__day=99999999999999999999", "{f}__year=2026&{f}__month=0"],
)
def test_a_date_drill_down_outside_the_years_is_the_lists_error_page(client, superuser, url_name, field, query):
    url = reverse(url_name)
    response = client.get(f"{url}?{query.format(f=field)}")
    assert response.status_code == 302 and response["Location"] == f"{url}?e=1"
    assert client.get(f"{url}?{field}__year=2024&{field}__month=12&{field}__day=31").status_code == 200


# --- two people editing one record ----------------------------------------------------------


def conflict_admins():
    return sorted(
        (model for model, model_admin in admin.site._registry.items() if isinstance(model_admin, EditConflictMixin)),
        key=lambda model: model._meta.label,
    )


def test_the_records_people_write_are_guarded():
    guarded = {model._meta.label for model in conflict_admins()}
    assert {"projects.Programme", "members.CountyBranch", "members.Organisation", "members.Rule",
            "news.Publication", "members.CouncilUnit"} <= guarded


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)


@pytest.mark.parametrize("model", conflict_admins(), ids=lambda model: model._meta.label)
def test_a_save_over_someone_elses_newer_save_is_refused_and_keeps_what_was_typed(client, superuser, demo, model):
    instance = model._default_manager.order_by("pk").first()
    if instance is None:
        from yanan_portal.tests.test_stored_xss import factory_for

        instance = factory_for(model)()
    url = change_url(instance)
    mine = posted_form(client.get(url).content.decode(), model)
    theirs = posted_form(client.get(url).content.decode(), model)
    assert mine["edit_token"] == theirs["edit_token"]

    assert client.post(url, theirs | {"_continue": ["1"]}).status_code == 302  # unchanged: saved
    # Someone else changes the record (any door); my form was opened before.
    text_field = next(f for f in model._meta.concrete_fields if type(f) in (models.CharField, models.TextField)
                      and f.editable and not f.choices and f.name in mine and not f.unique)
    model._default_manager.filter(pk=instance.pk).update(**{text_field.attname: "同事刚改过"})
    response = client.post(url, mine | {text_field.name: ["我写了一下午"]})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'<li class="error">{EDIT_CONFLICT_MESSAGE}</li>' in page and "我写了一下午" in page
    assert "请更正" not in page  # no field is wrong: Django's note would send the editor looking for one
    assert getattr(model._default_manager.get(pk=instance.pk), text_field.attname) == "同事刚改过"

    # Opened again, the form saves.
    fresh = posted_form(client.get(url).content.decode(), model)
    assert client.post(url, fresh | {text_field.name: ["合并后的内容"]}).status_code == 302
    assert getattr(model._default_manager.get(pk=instance.pk), text_field.attname) == "合并后的内容"


def test_two_editors_of_a_programme_body(client, superuser):
    programme = ProgrammeFactory(body="<p>原文</p>")
    url = change_url(programme)
    first = posted_form(client.get(url).content.decode(), Programme)
    second = posted_form(client.get(url).content.decode(), Programme)
    assert client.post(url, first | {"body": ["<p>编辑甲写了一下午的介绍</p>"]}).status_code == 302
    response = client.post(url, second | {"summary": ["乙改了简介"]})
    assert response.status_code == 200 and "已被他人修改" in response.content.decode()
    programme.refresh_from_db()
    assert "编辑甲" in programme.body and programme.summary != "乙改了简介"


def test_a_colleagues_change_to_the_inline_rows_is_not_undone(client, superuser):
    """Someone else changed only a figure of the programme (in its inline, or in the figures'
    own admin): a save from an older page would write the old figure back."""
    from projects.tests.factories import FigureFactory

    figure = FigureFactory(value=100)
    programme = figure.programme
    url = change_url(programme)
    mine = posted_form(client.get(url).content.decode(), Programme)
    figure.value = 250
    figure.save()
    response = client.post(url, mine | {"summary": ["只改了简介"]})
    assert response.status_code == 200 and "已被他人修改" in response.content.decode()
    figure.refresh_from_db()
    assert figure.value == 250


def test_a_colleagues_change_to_the_links_is_not_undone(client, superuser):
    from news.publications import Publication as PublicationModel

    publication = PublicationFactory()
    url = change_url(publication)
    mine = posted_form(client.get(url).content.decode(), PublicationModel)
    article = ArticleFactory()
    # Only the link table changes: the row (updated_at included) stays as it was.
    PublicationModel.related_articles.through.objects.create(publication=publication, article=article)
    response = client.post(url, mine | {"title": ["只改了标题"]})
    assert response.status_code == 200 and "已被他人修改" in response.content.decode()
    assert list(publication.related_articles.all()) == [article]


@pytest.mark.parametrize("model_name", ["projects.Programme", "members.Rule", "projects.Figure"])
def test_a_read_only_page_carries_no_token(client, model_name):
    from django.apps import apps as django_apps

    model = django_apps.get_model(model_name)
    viewer = User.objects.create_user("kan", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename=f"view_{model._meta.model_name}"))
    client.force_login(viewer)
    from yanan_portal.tests.test_stored_xss import factory_for

    instance = factory_for(model)()
    page = client.get(change_url(instance)).content.decode()
    assert "edit_token" not in page and "Edit token" not in page


def test_a_form_without_its_token_is_refused(client, superuser):
    programme = ProgrammeFactory()
    form = posted_form(client.get(change_url(programme)).content.decode(), Programme)
    del form["edit_token"]
    assert client.post(change_url(programme), form).status_code == 200
    assert client.post(reverse("admin:projects_programme_add"), form | {"name": ["新项目"], "slug": ["new-one"]}).status_code == 302


def test_a_view_only_account_reads_a_guarded_record(client):
    viewer = User.objects.create_user("chakan", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_programme"))
    client.force_login(viewer)
    programme = ProgrammeFactory(summary="只读的简介")
    response = client.get(change_url(programme))
    assert response.status_code == 200
    assert "只读的简介" in response.content.decode() and "edit_token" not in response.content.decode()


# --- photos ---------------------------------------------------------------------------------


def phone_photo() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (36.0, 35.0, 0.0)}  # where it was taken
    buffer = io.BytesIO()
    Image.new("RGB", (1000, 700), (30, 120, 60)).save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


@pytest.mark.parametrize(
    "model, field, alt, folder",
    [
        (Programme, "hero_image", "hero_alt", "programmes"),
        (CountyBranch, "photo", "photo_alt", "branches"),
        (Publication, "cover", "cover_alt", "publications/covers"),
    ],
)
def test_a_photo_uploaded_in_the_admin_loses_its_name_and_position(client, superuser, settings, model, field, alt, folder):
    instance = {Programme: ProgrammeFactory, Publication: PublicationFactory}.get(model, CountyBranch.objects.first)()
    form = posted_form(client.get(change_url(instance)).content.decode(), model)
    upload = SimpleUploadedFile("新项目规划图.jpg", phone_photo(), content_type="image/jpeg")
    response = client.post(change_url(instance), {**form, field: upload, alt: "照片说明"})
    assert response.status_code == 302, response.content.decode()[:3000]
    saved = model.objects.get(pk=instance.pk)
    name = getattr(saved, field).name
    assert name.startswith(f"{folder}/") and "规划图" not in name
    with Image.open(settings.MEDIA_ROOT / name) as stored:
        assert not stored.getexif() and stored.size == (1000, 700)
    if model is Publication:  # the shelf's thumbnail is made from the cleaned photo
        assert saved.cover_thumb and "规划图" not in saved.cover_thumb.name
        with Image.open(settings.MEDIA_ROOT / saved.cover_thumb.name) as thumb:
            assert not thumb.getexif()


def test_a_publication_cover_saved_by_another_door_keeps_no_original_name():
    publication = PublicationFactory(cover=SimpleUploadedFile("内部稿-未定.jpg", phone_photo()))
    assert publication.cover.name.startswith("publications/covers/") and publication.cover.name.endswith(".jpg")
    assert "内部稿" not in publication.cover.name and "内部稿" not in publication.cover_thumb.name


def test_a_photo_saved_by_another_door_gets_an_unguessable_name():
    programme = ProgrammeFactory(is_active=False)
    programme.hero_image = SimpleUploadedFile("秘密项目.jpg", phone_photo())
    programme.save()
    assert programme.hero_image.name.startswith("programmes/") and "秘密" not in programme.hero_image.name
    assert programme.hero_image.name.endswith(".jpg") and len(programme.hero_image.name) > len("programmes/2026/.jpg") + 20


# --- actions --------------------------------------------------------------------------------


def test_a_view_only_account_cannot_publish_or_withdraw_publications(client):
    viewer = User.objects.create_user("chakan", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_publication"))
    client.force_login(viewer)
    draft = PublicationFactory(status=Publication.Status.DRAFT, published_at=None)
    published = PublicationFactory()
    changelist = reverse("admin:news_publication_changelist")
    assert "publish_now" not in client.get(changelist).content.decode()
    for action, record in [("publish_now", draft), ("withdraw", published)]:
        client.post(changelist, {"action": action, "_selected_action": [record.pk]})
    assert not Publication.objects.published().filter(pk=draft.pk).exists()
    assert Publication.objects.published().filter(pk=published.pk).exists()


def test_the_delete_confirmation_names_links_as_links_in_chinese(client, superuser):
    """Deleting a programme removes its tags from articles and publications, not those: the
    page said "Article-programme关系: Article_programmes object (8)", in English, under
    下列所有相关的项目都将被删除."""
    programme_name = Programme._meta.verbose_name  # 品牌项目
    programme = ProgrammeFactory(name="红色书社")
    article = ArticleFactory(title="书社开放日", status=Article.Status.DRAFT, published_at=None)  # a published one is withdrawn first
    article.programmes.add(programme)
    issue = PublicationFactory(title="第63期")
    issue.programmes.add(programme)
    response = client.get(reverse("admin:projects_programme_delete", args=[programme.pk]))
    text = response.content.decode()
    assert f"<li>文章“书社开放日”与此{programme_name}的关联(文章本身不删除)</li>" in text
    assert f"{Publication._meta.verbose_name}“第63期”与此{programme_name}的关联" in text
    assert "<li>与文章的关联: 1</li>" in text and "object (" not in text and "关系" not in text
    # And from the article's side: its programme tags.
    text = client.get(reverse("admin:news_article_delete", args=[article.pk])).content.decode()
    assert f"{programme_name}“红色书社”与此文章的关联({programme_name}本身不删除)" in text and "object (" not in text
    # A title is text, never markup.
    Article.objects.filter(pk=article.pk).update(title="<b>粗体</b>")
    text = client.get(reverse("admin:projects_programme_delete", args=[programme.pk])).content.decode()
    assert "文章“&lt;b&gt;粗体&lt;/b&gt;”与此" in text


@pytest.mark.parametrize(
    "model, field, alt, message",
    [
        (Programme, "hero_image", "hero_alt", "有题图时必须填写“题图说明”"),
        (CountyBranch, "photo", "photo_alt", "有照片时必须填写“照片说明”"),
    ],
)
def test_a_photo_without_a_description_is_refused(client, superuser, model, field, alt, message):
    """As the article's cover: readers who cannot see the photo would get an empty alt."""
    instance = ProgrammeFactory() if model is Programme else CountyBranch.objects.first()
    form = posted_form(client.get(change_url(instance)).content.decode(), model)
    upload = SimpleUploadedFile("合影.jpg", phone_photo(), content_type="image/jpeg")
    response = client.post(change_url(instance), {**form, field: upload, alt: " "})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not getattr(model.objects.get(pk=instance.pk), field)



@pytest.mark.parametrize("model, field", [(Programme, "hero_image"), (CountyBranch, "photo")])
def test_a_photo_saved_before_descriptions_were_required_does_not_stop_the_lists_own_edits(client, superuser, model, field):
    """The list's 排序 is edited in place (list_editable): that form has no description field,
    and requiring one there was a 500."""
    from yanan_portal.tests.admin_forms import _FormFields

    instance = ProgrammeFactory() if model is Programme else CountyBranch.objects.first()
    model.objects.filter(pk=instance.pk).update(**{field: "old/photo.jpg"})
    changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    parser = _FormFields("changelist-form")
    parser.feed(client.get(changelist).content.decode())
    form = {name: values for name, values in parser.data.items() if values}
    row = next(name.removesuffix("-id") for name, values in form.items() if name.endswith("-id") and values == [str(instance.pk)])
    form[f"{row}-order"] = ["77"]
    response = client.post(changelist, {**form, "_save": "保存"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert model.objects.get(pk=instance.pk).order == 77


# --- An integer no column can hold, in an ``__in`` list (yanan_portal/lookups.py) --------

TOO_BIG = 99999999999999999999


def test_an_integer_no_column_can_hold_matches_nothing_in_an_in_list():
    article = ArticleFactory()
    assert list(Article.objects.filter(id__in=[TOO_BIG])) == []
    assert list(Article.objects.filter(pk__in=[-TOO_BIG, str(TOO_BIG), article.pk])) == [article]
    # Through a foreign key, by the column it points at.
    assert list(Article.objects.filter(channel__in=[TOO_BIG])) == []
    assert list(Article.objects.filter(channel__in=[TOO_BIG, article.channel_id])) == [article]
    assert list(User.objects.filter(groups__id__in=[TOO_BIG])) == []


def test_every_admin_list_answers_an_id_list_no_column_can_hold(client, superuser):
    ArticleFactory()
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url, {"id__in": str(TOO_BIG)})
        # 200 with an empty list, or the admin's own ?e=1 for a filter it does not take.
        assert response.status_code in (200, 302), (url, response.status_code)
        if response.status_code == 200:
            assert response.context["cl"].result_count == 0, url
