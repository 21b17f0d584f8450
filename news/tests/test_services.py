from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from news import services
from news.models import Article, ArticleEvent, Attachment
from news.tests.factories import ArticleFactory, AttachmentFactory
from news.tests.roles import ADMINISTRATOR, EDITOR, PUBLISHER, make_staff

pytestmark = pytest.mark.django_db
Status = Article.Status
Action = ArticleEvent.Action


@pytest.fixture
def editor():
    return make_staff("editor", EDITOR)


@pytest.fixture
def publisher():
    return make_staff("publisher", PUBLISHER)


@pytest.fixture
def administrator():
    return make_staff("admin", ADMINISTRATOR)


def draft(**kwargs):
    return ArticleFactory(status=Status.DRAFT, published_at=None, **kwargs)


def test_roles_and_publish_permission_come_from_the_migration(editor, publisher, administrator):
    assert not editor.has_perm("news.publish_article")
    assert editor.has_perm("news.change_article") and not editor.has_perm("news.delete_article")
    assert publisher.has_perm("news.publish_article") and not publisher.has_perm("news.delete_article")
    assert administrator.has_perm("news.publish_article")
    assert administrator.has_perm("news.delete_article")
    assert administrator.has_perm("news.change_channel") and administrator.has_perm("auth.change_user")
    assert administrator.has_perm("members.change_countybranch")


def test_full_life_with_an_audit_record_for_each_transition(editor, publisher):
    article = draft()
    services.submit_for_review(article=article, by=editor, comment="请审核")
    services.send_back(article=article, by=publisher, comment="标题太长")
    article.refresh_from_db()
    assert article.status == Status.DRAFT and article.review_comment == "标题太长"
    services.submit_for_review(article=article, by=editor)
    services.publish(article=article, by=publisher)
    services.withdraw(article=article, by=publisher, comment="数据有误")
    services.republish(article=article, by=publisher)

    events = list(article.events.order_by("id").values_list("action", "from_status", "to_status", "actor_name", "comment"))
    assert events == [
        (Action.SUBMIT, Status.DRAFT, Status.REVIEW, "editor", "请审核"),
        (Action.SEND_BACK, Status.REVIEW, Status.DRAFT, "publisher", "标题太长"),
        (Action.SUBMIT, Status.DRAFT, Status.REVIEW, "editor", ""),
        (Action.PUBLISH, Status.REVIEW, Status.PUBLISHED, "publisher", ""),
        (Action.WITHDRAW, Status.PUBLISHED, Status.WITHDRAWN, "publisher", "数据有误"),
        (Action.REPUBLISH, Status.WITHDRAWN, Status.PUBLISHED, "publisher", ""),
    ]
    assert all(e.created_at and e.actor_id for e in article.events.all())
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.published_by == publisher


def test_first_publication_time_is_never_rewritten(publisher, editor):
    article = draft()
    services.publish(article=article, by=publisher)
    first = Article.objects.get(pk=article.pk).published_at
    services.withdraw(article=article, by=publisher)
    services.republish(article=article, by=publisher)
    services.withdraw(article=article, by=publisher)
    services.submit_for_review(article=article, by=editor)
    with pytest.raises(ValidationError):
        # Publishing from review after having been public keeps the first time too.
        services.publish(article=article, by=publisher, at=timezone.now() - timedelta(days=3))
    services.publish(article=article, by=publisher)
    assert Article.objects.get(pk=article.pk).published_at == first


def test_editor_can_not_publish_and_nothing_changes(editor):
    article = draft()
    for action in [services.publish, services.withdraw, services.republish]:
        with pytest.raises(PermissionDenied):
            action(article=article, by=editor)
    with pytest.raises(PermissionDenied):
        services.schedule(article=article, by=editor, at=timezone.now() + timedelta(days=1))
    with pytest.raises(PermissionDenied):
        services.send_back(article=article, by=editor, comment="x")
    article.refresh_from_db()
    assert article.status == Status.DRAFT and article.published_at is None
    assert not ArticleEvent.objects.exists()


@pytest.mark.parametrize(
    "status, action",
    [
        (Status.PUBLISHED, "submit_for_review"),
        (Status.REVIEW, "withdraw"),
        (Status.DRAFT, "send_back"),
        (Status.DRAFT, "republish"),
        (Status.WITHDRAWN, "publish"),
    ],
)
def test_illegal_transitions_are_refused_with_a_message(publisher, status, action):
    article = ArticleFactory(status=status)
    before = article.published_at
    with pytest.raises(services.TransitionError) as error:
        getattr(services, action)(article=article, by=publisher, **({"comment": "x"} if action == "send_back" else {}))
    assert "不能执行" in error.value.messages[0]
    article.refresh_from_db()
    assert article.status == status and article.published_at == before
    assert not ArticleEvent.objects.exists()


def test_send_back_needs_a_comment(publisher):
    article = ArticleFactory(status=Status.REVIEW, published_at=None)
    with pytest.raises(ValidationError, match="审核意见"):
        services.send_back(article=article, by=publisher, comment=" ")


def test_scheduled_article_appears_at_its_time_without_a_job(publisher, reader, time_machine):
    article = draft(title="定时文章")
    at = timezone.now() + timedelta(hours=2)
    services.schedule(article=article, by=publisher, at=at)
    article.refresh_from_db()
    assert article.is_scheduled and article.get_status_display_full() == "定时发布"
    assert article.events.get().publish_time == at
    assert not Article.objects.published().filter(pk=article.pk).exists()
    assert reader.get(article.get_absolute_url()).status_code == 404
    assert "定时文章" not in reader.get(article.channel.get_absolute_url()).text
    time_machine.move_to(at + timedelta(minutes=1))
    assert reader.get(article.get_absolute_url()).status_code == 200
    assert "定时文章" in reader.get(article.channel.get_absolute_url()).text


def test_schedule_refuses_a_past_time(publisher):
    with pytest.raises(ValidationError, match="晚于现在"):
        services.schedule(article=draft(), by=publisher, at=timezone.now() - timedelta(hours=1))


def test_import_of_an_old_article_keeps_its_past_time_and_is_audited(publisher):
    old = timezone.now() - timedelta(days=800)
    article = draft()
    with pytest.raises(ValidationError, match="导入旧文章"):
        services.publish(article=article, by=publisher, at=old)
    services.publish(article=article, by=publisher, at=old, import_old=True)
    article.refresh_from_db()
    assert article.published_at == old
    event = article.events.get()
    assert "导入旧文章" in event.comment and event.publish_time == old


def test_delete_needs_withdrawal_first_and_recovery_brings_it_back(administrator, publisher):
    article = ArticleFactory(title="将被删除")
    AttachmentFactory(article=article, name="附件.pdf")
    with pytest.raises(PermissionDenied):
        services.delete_article(article=article, by=publisher)
    with pytest.raises(ValidationError, match="请先撤回"):
        services.delete_article(article=article, by=administrator)
    services.withdraw(article=article, by=administrator)
    services.delete_article(article=article, by=administrator)
    assert not Article.objects.filter(pk=article.pk).exists()
    record = services.deleted_articles().get()
    assert record.title == "将被删除"

    recovered = services.recover_article(history_id=record.history_id, by=administrator)
    assert recovered.pk == article.pk and recovered.status == Status.WITHDRAWN
    assert list(Attachment.objects.filter(article=recovered).values_list("name", flat=True)) == ["附件.pdf"]
    assert list(recovered.events.order_by("id").values_list("action", flat=True)) == [
        Action.WITHDRAW, Action.DELETE, Action.RECOVER]
    assert not services.deleted_articles().exists()


def test_restore_version_brings_back_the_old_body_as_a_new_version(editor):
    article = draft(body="<p>第一稿</p>")
    article.body = "<p>第二稿</p>"
    article.save()
    first = article.history.earliest("history_date")
    services.restore_version(article=article, history_id=first.history_id, by=editor)
    article.refresh_from_db()
    assert article.body == "<p>第一稿</p>"
    assert article.history.count() == 3
    assert article.events.get().action == Action.RESTORE_VERSION


def test_editor_may_not_edit_published_but_publisher_may(editor, publisher):
    published = ArticleFactory()
    assert not services.can_edit(article=published, user=editor)
    assert services.can_edit(article=published, user=publisher)
    assert services.can_edit(article=draft(), user=editor)
