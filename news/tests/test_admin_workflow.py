"""The editorial workflow through the admin, as each role, including hand-crafted POSTs."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from news import services
from news.forms import CONFLICT_MESSAGE
from news.models import Article, ArticleEvent
from news.tests.factories import ArticleFactory, ChannelFactory
from news.tests.roles import ADMINISTRATOR, EDITOR, PUBLISHER, make_staff

pytestmark = pytest.mark.django_db
Status = Article.Status


def form_data(article=None, **overrides):
    """What the admin's article form posts."""
    channel = article.channel if article else ChannelFactory()
    data = {
        "title": article.title if article else "新文章",
        "channel": channel.pk,
        "summary": "摘要",
        "body": article.body if article else "<p>正文</p>",
        "cover_alt": "",
        "author": "",
        "source": "延安市老促会",
        "responsible_editor": "",
        "lock_version": article.version if article else "",
        "attachments-TOTAL_FORMS": "0",
        "attachments-INITIAL_FORMS": "0",
        "attachments-MIN_NUM_FORMS": "0",
        "attachments-MAX_NUM_FORMS": "1000",
    }
    data.update(overrides)
    return data


def change_url(article):
    return reverse("admin:news_article_change", args=[article.pk])


def transition_url(article, action):
    return reverse("admin:news_article_transition", args=[article.pk, action])


@pytest.fixture
def as_role(client):
    def login(role):
        user = make_staff(f"user-{role}", role)
        client.force_login(user)
        return user

    return login


ROLES = [EDITOR, PUBLISHER, ADMINISTRATOR]


def do_create(client, article):
    response = client.post(reverse("admin:news_article_add"), form_data(title="角色新建"))
    return response.status_code == 302 and Article.objects.filter(title="角色新建").exists()


def do_edit_draft(client, article):
    response = client.post(change_url(article), form_data(article, title="改过的标题"))
    return response.status_code == 302 and Article.objects.get(pk=article.pk).title == "改过的标题"


def _transition(action, start, end, extra=None):
    def run(client, article):
        response = client.post(transition_url(article, action), {"comment": "意见", **(extra or {})})
        return response.status_code == 302 and Article.objects.get(pk=article.pk).status == end

    run.start = start
    return run


def do_delete(client, article):
    url = reverse("admin:news_article_delete", args=[article.pk])
    response = client.post(url, {"post": "yes"})
    return response.status_code == 302 and not Article.objects.filter(pk=article.pk).exists()


def do_recover(client, article):
    from news import services

    administrator = make_staff("recycler", ADMINISTRATOR)
    services.delete_article(article=article, by=administrator)
    record = services.deleted_articles().get()
    response = client.post(reverse("admin:news_article_recycle_bin"), {"history_id": record.history_id})
    return response.status_code == 302 and Article.objects.filter(pk=article.pk).exists()


future = (timezone.localtime() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
ACTIONS = {
    "create": do_create,
    "edit draft": do_edit_draft,
    "submit": _transition("submit", Status.DRAFT, Status.REVIEW),
    "publish": _transition("publish", Status.REVIEW, Status.PUBLISHED),
    "schedule": _transition("schedule", Status.REVIEW, Status.PUBLISHED, {"at": future}),
    "send back": _transition("send_back", Status.REVIEW, Status.DRAFT),
    "withdraw": _transition("withdraw", Status.PUBLISHED, Status.WITHDRAWN),
    "republish": _transition("republish", Status.WITHDRAWN, Status.PUBLISHED),
    "delete": do_delete,
    "restore": do_recover,
}
ALLOWED = {
    EDITOR: {"create", "edit draft", "submit"},
    PUBLISHER: {"create", "edit draft", "submit", "publish", "schedule", "send back", "withdraw", "republish"},
    ADMINISTRATOR: set(ACTIONS),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", list(ACTIONS))
def test_permission_matrix(client, as_role, role, action):
    as_role(role)
    run = ACTIONS[action]
    start = getattr(run, "start", Status.DRAFT)
    article = ArticleFactory(
        status=start, published_at=None if start in {Status.DRAFT, Status.REVIEW} else timezone.now()
    )
    before = Article.objects.filter(pk=article.pk).values().first()
    allowed = run(client, article)
    assert allowed == (action in ALLOWED[role])
    if not allowed and action != "restore":
        # A refusal changes nothing, whatever the door.
        assert Article.objects.filter(pk=article.pk).values().first() == before
        assert not ArticleEvent.objects.filter(actor__username=f"user-{role}").exists()


def test_editor_crafted_status_post_is_refused_and_nothing_changes(client, as_role):
    as_role(EDITOR)
    article = ArticleFactory(status=Status.DRAFT, published_at=None, title="原标题")
    response = client.post(
        change_url(article),
        form_data(article, title="偷偷发布", status="published", published_at="2020-01-01 00:00:00"),
    )
    assert response.status_code == 200
    assert "只能通过" in response.text
    article.refresh_from_db()
    assert (article.status, article.title, article.published_at) == (Status.DRAFT, "原标题", None)


def test_editor_crafted_publish_post_gets_403(client, as_role):
    as_role(EDITOR)
    article = ArticleFactory(status=Status.REVIEW, published_at=None)
    for action in ["publish", "schedule", "send_back", "withdraw", "republish"]:
        assert client.post(transition_url(article, action), {"comment": "x", "at": future}).status_code == 403
    assert client.get(transition_url(article, "publish")).status_code == 403
    article.refresh_from_db()
    assert article.status == Status.REVIEW and not ArticleEvent.objects.exists()


def test_editor_bulk_publish_action_is_refused(client, as_role):
    as_role(EDITOR)
    article = ArticleFactory(status=Status.REVIEW, published_at=None)
    response = client.post(
        reverse("admin:news_article_changelist"),
        {"action": "bulk_publish", "_selected_action": [article.pk]},
        follow=True,
    )
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.status == Status.REVIEW


def test_publisher_bulk_publish_uses_the_services(client, as_role):
    as_role(PUBLISHER)
    ready = ArticleFactory(status=Status.REVIEW, published_at=None)
    withdrawn = ArticleFactory(status=Status.WITHDRAWN)
    response = client.post(
        reverse("admin:news_article_changelist"),
        {"action": "bulk_publish", "_selected_action": [ready.pk, withdrawn.pk]},
        follow=True,
    )
    assert "已对 1 篇文章执行“发布”" in response.text
    assert "不能执行“发布”" in response.text
    assert Article.objects.get(pk=ready.pk).status == Status.PUBLISHED
    assert Article.objects.get(pk=withdrawn.pk).status == Status.WITHDRAWN


def test_illegal_transition_through_the_admin_is_refused_with_a_message(client, as_role):
    as_role(PUBLISHER)
    article = ArticleFactory(status=Status.DRAFT, published_at=None)
    response = client.post(transition_url(article, "withdraw"), {"comment": ""}, follow=True)
    assert "文章当前状态为“草稿”,不能执行“撤回”" in response.text
    assert client.post(transition_url(article, "explode"), {}).status_code == 404
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


def test_a_review_comment_survives_a_colleague_acting_first(client, as_role):
    """退回修改 written at length while another publisher published the article: the page
    comes back with the refusal and the comment, not a redirect that threw the comment away."""
    user = as_role(PUBLISHER)
    article = ArticleFactory(status=Status.REVIEW, published_at=None)
    assert client.get(transition_url(article, "send_back")).status_code == 200
    services.publish(article=article, by=make_staff("another-publisher", PUBLISHER))
    comment = "第一段需要补充数据来源;第二段的县名写错了。" * 10
    response = client.post(transition_url(article, "send_back"), {"comment": comment})
    assert response.status_code == 409
    page = response.text
    assert "不能执行“退回修改”。可能是同事刚刚处理了这篇文章。您填写的意见保留在下方" in page
    assert "当前状态:已发布" in page and "必填:告诉编辑" not in page  # the state now, no help for a form that cannot be sent
    assert '<li aria-current="page">退回修改</li>' in page  # Django 6's breadcrumbs, styled as on every admin page
    assert f"{comment}</textarea>" in page
    assert "确认退回修改" not in page and "返回文章" in page  # no button to try again
    assert Article.objects.get(pk=article.pk).status == Status.PUBLISHED
    assert user.pk != article.published_by_id


def test_bad_schedule_time_is_a_form_error(client, as_role):
    as_role(PUBLISHER)
    article = ArticleFactory(status=Status.REVIEW, published_at=None)
    response = client.post(transition_url(article, "schedule"), {"at": "明天"})
    assert response.status_code == 200 and "errorlist" in response.text
    # A time already past: the page comes back with the error beside the time, and the time
    # and the comment still filled in (a redirect to the article used to lose both).
    response = client.post(transition_url(article, "schedule"), {"at": "2001-01-01T10:00", "comment": "元旦发"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["at"] == ["定时发布的时间必须晚于现在。"]
    assert 'value="2001-01-01T10:00"' in response.text and "元旦发</textarea>" in response.text
    assert Article.objects.get(pk=article.pk).status == Status.REVIEW


def test_buttons_follow_role_and_state(client, as_role):
    as_role(EDITOR)
    draft = ArticleFactory(status=Status.DRAFT, published_at=None)
    review = ArticleFactory(status=Status.REVIEW, published_at=None)
    page = client.get(change_url(draft)).text
    assert ">提交审核</a>" in page and ">发布</a>" not in page and "预览" in page
    page = client.get(change_url(review)).text
    assert "当前状态:待审核" in page and "workflow-button" not in page
    client.logout()
    as_role(PUBLISHER)
    page = client.get(change_url(review)).text
    for label in ["发布", "定时发布", "退回修改"]:
        assert f">{label}</a>" in page
    assert ">撤回</a>" not in page


def test_editor_sees_published_article_read_only(client, as_role):
    as_role(EDITOR)
    article = ArticleFactory()
    assert client.get(change_url(article)).status_code == 200
    assert client.post(change_url(article), form_data(article, title="改")).status_code == 403
    assert Article.objects.get(pk=article.pk).title != "改"


def test_publisher_edit_of_published_article_goes_live_with_update_time(client, as_role):
    as_role(PUBLISHER)
    article = ArticleFactory()
    first = article.published_at
    response = client.post(change_url(article), form_data(article, title="更正后的标题"))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "更正后的标题" and article.published_at == first
    assert article.content_updated_at is not None
    assert article.events.get().action == ArticleEvent.Action.EDIT_PUBLISHED


def test_change_page_shows_the_audit_log(client, as_role):
    from news import services

    user = as_role(PUBLISHER)
    article = ArticleFactory(status=Status.REVIEW, published_at=None)
    services.send_back(article=article, by=user, comment="请补充图片说明")
    page = client.get(change_url(article)).text
    assert "审核记录" in page and "退回修改" in page and "请补充图片说明" in page
    assert '<th scope="col">操作人</th>' in page
    assert '<td data-label="意见">请补充图片说明</td>' in page  # labelled where the table is one column (phones)
    assert "js/inline-labels.js" in page


def test_waiting_for_me_filter(client, as_role):
    as_role(PUBLISHER)
    ArticleFactory(title="等我审核", status=Status.REVIEW, published_at=None)
    ArticleFactory(title="还在写", status=Status.DRAFT, published_at=None)
    page = client.get(reverse("admin:news_article_changelist") + "?mine=1").text
    assert "等我审核" in page and "还在写" not in page
    page = client.get(reverse("admin:news_article_changelist") + "?state=scheduled").text
    assert "等我审核" not in page


def test_concurrent_edit_is_refused_and_the_text_stays(client, as_role):
    as_role(EDITOR)
    article = ArticleFactory(status=Status.DRAFT, published_at=None, title="原稿")
    # Both staff open the form at version 1.
    first = form_data(article, title="甲的修改")
    second = form_data(article, title="乙的修改", body="<p>乙写了很久的正文</p>")
    assert client.post(change_url(article), first).status_code == 302
    response = client.post(change_url(article), second)
    assert response.status_code == 200
    # The page's message, not a form error that sends the editor looking for a wrong field.
    assert f'<li class="error">{CONFLICT_MESSAGE}</li>' in response.text and "请更正" not in response.text
    assert "乙的修改" in response.text and "乙写了很久的正文" in response.text
    article.refresh_from_db()
    assert article.title == "甲的修改" and article.version == 2


def test_preview_for_staff_only(client, as_role, reader):
    article = ArticleFactory(status=Status.DRAFT, published_at=None, title="尚未发布")
    url = reverse("news:article-preview", args=[article.pk])
    assert reader.get(url).status_code == 404
    assert reader.get(article.get_absolute_url()).status_code == 404
    make_staff("member", None)
    client.login(username="member", password="correct-horse-battery-9")
    assert client.get(url).status_code == 404
    client.logout()
    as_role(EDITOR)
    response = client.get(url)
    assert response.status_code == 200
    assert "尚未发布" in response.text and "预览:此页面仅供工作人员查看" in response.text
    assert response["X-Robots-Tag"].startswith("noindex")
    assert "no-store" in response["Cache-Control"]
    assert '<meta name="robots" content="noindex' in response.text
    assert client.get(reverse("news:article-preview", args=[999999])).status_code == 404
    assert Article.objects.get(pk=article.pk).views == 0


def test_versions_list_and_restore_through_the_admin(client, as_role):
    as_role(EDITOR)
    client.post(reverse("admin:news_article_add"), form_data(title="版本", body="<p>第一稿</p>"))
    article = Article.objects.get(title="版本")
    client.post(change_url(article), form_data(article, body="<p>第二稿</p>"))
    article.refresh_from_db()
    assert article.body == "<p>第二稿</p>"
    history = client.get(reverse("admin:news_article_history", args=[article.pk]))
    assert history.status_code == 200 and "user-编辑" in history.text
    assert "与上一版本相比的改动" in history.text and "与当前版本比较" in history.text
    oldest = article.history.earliest("history_date")
    url = reverse("admin:news_article_simple_history", args=[article.pk, oldest.history_id])
    form = client.get(url)
    assert "第一稿" in form.text
    history_html = history.text.split('id="content"')[1]
    assert "正文:第一稿" in re.sub(r"\s+|<[^>]*>", "", history_html) and "&lt;p&gt;" not in history_html  # words, not HTML
    breadcrumbs = re.findall(r"<li[^>]*>(.*?)</li>", form.text.split('<ol class="breadcrumbs">')[1].split("</ol>")[0])
    breadcrumbs = [re.sub(r"<[^>]*>", "", crumb).strip() for crumb in breadcrumbs]
    assert "Historical" not in str(breadcrumbs) and "News" not in str(breadcrumbs)
    assert breadcrumbs[1:5] == [Article._meta.app_config.verbose_name, "文章", "版本", "历史"], breadcrumbs
    response = client.post(url, form_data(article, body="<p>第一稿</p>", lock_version=article.version))
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "<p>第一稿</p>" and article.status == Status.DRAFT
    assert article.history.count() == 3
    assert article.events.filter(action=ArticleEvent.Action.EDIT_PUBLISHED).count() == 0


def test_history_shows_changes_in_words_an_editor_reads(client, as_role):
    as_role(PUBLISHER)
    client.post(reverse("admin:news_article_add"), form_data(title="历史"))
    article = Article.objects.get(title="历史")
    client.post(transition_url(article, "submit"), {"comment": ""})
    client.post(transition_url(article, "publish"), {"comment": ""})
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED

    html = client.get(reverse("admin:news_article_history", args=[article.pk])).text
    compact = re.sub(r"\s+", "", html)
    arrow = "&nbsp;&rarr;&nbsp;&nbsp;"
    assert f"草稿{arrow}待审核" in compact and f"待审核{arrow}已发布" in compact
    published_at = timezone.localtime(article.published_at).strftime("%Y-%m-%d%H:%M:%S")
    assert f"—{arrow}{published_at}" in compact  # local time to the second, "—" for none
    for raw in ("draft", "review", "pk=None", "+00:00", "None"):
        assert raw not in re.sub(r"<[^>]*>", "", html), raw  # in the text, not in attributes

    # A change by an account deleted since then.
    User = get_user_model()
    gone = make_staff("gone", EDITOR)
    article.history.filter(history_id=article.history.earliest("history_date").history_id).update(updated_by_id=gone.pk)
    User.objects.filter(pk=gone.pk).delete()
    html = client.get(reverse("admin:news_article_history", args=[article.pk])).text
    assert "已删除的用户" in html and "Deleted" not in html


def test_recycle_bin_page_lists_deleted_articles(client, as_role):
    from news import services

    user = as_role(ADMINISTRATOR)
    article = ArticleFactory(status=Status.DRAFT, published_at=None, title="误删的文章")
    services.delete_article(article=article, by=user)
    page = client.get(reverse("admin:news_article_recycle_bin"))
    assert "误删的文章" in page.text
    assert client.post(reverse("admin:news_article_recycle_bin"), {"history_id": "abc"}).status_code == 302
    client.logout()
    as_role(EDITOR)
    assert client.get(reverse("admin:news_article_recycle_bin")).status_code == 403


def test_published_article_delete_asks_to_withdraw_first(client, as_role):
    as_role(ADMINISTRATOR)
    article = ArticleFactory()
    response = client.post(reverse("admin:news_article_delete", args=[article.pk]), {"post": "yes"}, follow=True)
    assert "请先撤回" in response.text
    assert Article.objects.filter(pk=article.pk).exists()


def test_changelist_query_count_does_not_grow(client, as_role, django_assert_max_num_queries):
    as_role(PUBLISHER)
    ArticleFactory.create_batch(3)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("admin:news_article_changelist"))
    ArticleFactory.create_batch(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("admin:news_article_changelist"))


def test_preview_query_count_does_not_grow_with_attachments(
    client, as_role, django_assert_num_queries, django_assert_max_num_queries
):
    from news.tests.factories import AttachmentFactory

    as_role(EDITOR)
    article = ArticleFactory(status=Status.REVIEW, published_at=None)
    url = reverse("news:article-preview", args=[article.pk])
    AttachmentFactory(article=article)
    client.get(url)  # warm the session and permission caches
    with django_assert_max_num_queries(30) as first:
        client.get(url)
    AttachmentFactory.create_batch(5, article=article)
    with django_assert_num_queries(len(first.captured_queries)):
        response = client.get(url)
    assert response.text.count("/news/attachments/") == 6


def test_compare_two_versions(client, as_role):
    user = as_role(EDITOR)
    article = ArticleFactory(status=Status.DRAFT, published_at=None, title="比较", body="<p>第一段</p><p>旧的第二段</p>")
    article.body = "<p>第一段</p><p>新的第二段</p>"
    article.save()
    old, new = article.history.order_by("history_id")
    url = reverse("admin:news_article_compare", args=[article.pk, old.history_id])
    response = client.get(url)
    assert response.status_code == 200
    assert "<del><span class=\"visually-hidden\">删除:</span>旧的第二段</del>" in response.text
    assert "<ins><span class=\"visually-hidden\">新增:</span>新的第二段</ins>" in response.text
    assert "第一段" in response.text and "标题" not in response.context["fields"][0]["label"]
    same = client.get(url.replace(str(old.history_id) + "/compare", str(new.history_id) + "/compare"))
    assert "两个版本的内容没有区别" in same.text
    against = client.get(url + f"?against={new.history_id}")
    assert "新的第二段" in against.text
    for bad in ("abc", "²", "-1", "1.5", ""):
        response = client.get(url, {"against": bad})  # compared with the current version
        assert response.status_code == 200 and "新的第二段" in response.text, bad
    assert client.get(url, {"against": "99999999999999999999"}).status_code == 404  # no such version
    assert client.get(reverse("admin:news_article_compare", args=[article.pk, 999999])).status_code == 404


def test_editor_can_not_change_a_published_article_through_version_restore(client, as_role):
    as_role(EDITOR)
    article = ArticleFactory(body="<p>已发布的正文</p>")
    article.body = "<p>已发布的正文(修订)</p>"
    article.save()
    oldest = article.history.earliest("history_date")
    url = reverse("admin:news_article_simple_history", args=[article.pk, oldest.history_id])
    response = client.post(url, form_data(article, body="<p>偷改</p>", lock_version=article.version))
    assert response.status_code == 403
    assert Article.objects.get(pk=article.pk).body == "<p>已发布的正文(修订)</p>"


def test_version_restore_never_restores_the_state(client, as_role):
    from news import services

    user = as_role(PUBLISHER)
    article = ArticleFactory(status=Status.DRAFT, published_at=None, body="<p>草稿</p>")
    services.publish(article=article, by=user)
    article.refresh_from_db()
    draft_version = article.history.earliest("history_date")
    url = reverse("admin:news_article_simple_history", args=[article.pk, draft_version.history_id])
    assert client.post(url, form_data(article, lock_version=article.version)).status_code == 302
    restored = Article.objects.get(pk=article.pk)
    assert restored.status == Status.PUBLISHED and restored.published_at == article.published_at


def test_bulk_delete_with_a_published_article_is_refused(client, as_role):
    as_role(ADMINISTRATOR)
    draft = ArticleFactory(status=Status.DRAFT, published_at=None)
    published = ArticleFactory()
    response = client.post(
        reverse("admin:news_article_changelist"),
        {"action": "delete_selected", "_selected_action": [draft.pk, published.pk], "post": "yes"},
        follow=True,
    )
    assert "选中的文章中有已发布的,请先撤回再删除" in response.text
    assert Article.objects.filter(pk__in=[draft.pk, published.pk]).count() == 2
    response = client.post(
        reverse("admin:news_article_changelist"),
        {"action": "delete_selected", "_selected_action": [draft.pk], "post": "yes"},
        follow=True,
    )
    assert not Article.objects.filter(pk=draft.pk).exists()
    assert ArticleEvent.objects.get(article_id=draft.pk).action == ArticleEvent.Action.DELETE


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_saves_one_wins_the_other_is_refused():
    """Two requests at the same moment: the row lock makes the check and the save one step."""
    import threading

    from django.db import connection
    from django.test import Client

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks")
    article = ArticleFactory(status=Status.DRAFT, published_at=None)
    users = [make_staff(f"writer{i}", EDITOR) for i in range(2)]
    barrier = threading.Barrier(2)
    results = {}

    def save(index):
        from django.db import connections

        client = Client()
        client.force_login(users[index])
        barrier.wait()
        response = client.post(change_url(article), form_data(article, title=f"第{index}位的标题"))
        results[index] = response.status_code
        connections.close_all()

    threads = [threading.Thread(target=save, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results.values()) == [200, 302]
    winner = next(i for i, code in results.items() if code == 302)
    article.refresh_from_db()
    assert article.title == f"第{winner}位的标题" and article.version == 2


# --- 草稿保护 (static/js/draft-protection.js; the journey is in test_browser_editorial.py) ---


def test_keepalive_renews_an_editors_login_and_redirects_an_ended_one(client, as_role, django_assert_num_queries):
    url = reverse("admin:news_article_keepalive")
    response = client.get(url)
    assert response.status_code == 302 and "/login/" in response["Location"]
    as_role(EDITOR)
    # The session and the user read; the session written again (in a savepoint), which
    # moves its expiry on: that is the renewal.
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.status_code == 204 and "no-store" in response["Cache-Control"]
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == settings.SESSION_COOKIE_AGE
    # The login's CSRF token, for a form opened before logging in again elsewhere.
    token = response["X-CSRFToken"]
    csrf_cookie = client.cookies[settings.CSRF_COOKIE_NAME].value
    from django.middleware.csrf import _unmask_cipher_token

    assert _unmask_cipher_token(token) == csrf_cookie


@pytest.mark.parametrize("path", ["add/", "{pk}/change/"])
def test_the_article_form_carries_the_draft_keeper(client, as_role, path):
    article = ArticleFactory(status=Status.DRAFT)
    user = as_role(EDITOR)
    article.created_by = user
    article.save()
    response = client.get(reverse("admin:news_article_changelist") + path.format(pk=article.pk))
    assert response.status_code == 200
    html = response.text
    assert "js/draft-protection.js" in html
    assert f'id="draft-protection" hidden data-user="{user.username}" data-adding="{"true" if path == "add/" else "false"}"' in html
    assert f'data-keepalive-url="{reverse("admin:news_article_keepalive")}"' in html


def test_the_login_page_says_why_it_came_up_for_an_admin_page(client):
    response = client.get(reverse("admin:login") + "?next=" + reverse("admin:news_article_add"))
    assert "请先登录。登录后会回到刚才的页面" in response.text
    response = client.get(reverse("admin:login") + "?next=" + reverse("admin:index"))
    assert "请先登录" not in response.text
    response = client.get(reverse("admin:login") + "?next=%3Cscript%3E")
    assert response.status_code == 200 and "<script>" not in response.text.split("</head>")[1]


def test_the_article_list_speaks_chinese_above_its_date_links(client, as_role):
    ArticleFactory()
    as_role(EDITOR)
    response = client.get(reverse("admin:news_article_changelist"))
    assert "按发布时间筛选" in response.text  # Django 6.1's new string, from locale/
    assert "Filter by" not in response.text


def test_a_form_with_errors_says_which_chosen_files_to_choose_again(client, as_role):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    as_role(EDITOR)
    png = BytesIO()
    Image.new("RGB", (800, 600), (10, 120, 60)).save(png, "PNG")
    data = form_data(title="")  # an error: no title
    data.update({"cover": SimpleUploadedFile("走访.png", png.getvalue(), content_type="image/png"), "cover_alt": "走访现场"})
    response = client.post(reverse("admin:news_article_add"), data)
    assert response.status_code == 200
    assert "请重新选择这些文件后再保存:走访.png" in response.text
    response = client.post(reverse("admin:news_article_add"), form_data(title=""))
    assert "请重新选择这些文件" not in response.text  # nothing was chosen


def test_work_in_progress_heads_the_article_list(client, as_role):
    ArticleFactory(title="已发布的旧文章")
    ArticleFactory(title="刚写的草稿", status=Status.DRAFT, published_at=None)
    as_role(EDITOR)
    response = client.get(reverse("admin:news_article_changelist"))
    assert response.text.index("刚写的草稿") < response.text.index("已发布的旧文章")


def test_an_editor_reads_a_published_article_as_readers_do_and_is_told_why_it_is_locked(client, as_role):
    article = ArticleFactory(body='<p>已经<strong>发布</strong>的正文</p><script>alert(1)</script>')
    Article.objects.filter(pk=article.pk).update(body=article.body + '<img src=x onerror="alert(2)">')  # as if stored unsanitised
    as_role(EDITOR)
    response = client.get(change_url(article))
    assert response.status_code == 200
    html = response.text
    assert "您只能查看、不能修改" in html
    assert '<div class="rich-text-readonly"><p>已经<strong>发布</strong>的正文</p>' in html
    assert "&lt;p&gt;" not in html and "<script>alert(1)" not in html and "onerror" not in html
    as_role(PUBLISHER)
    html = client.get(change_url(article)).text
    assert "您只能查看" not in html and 'name="body"' in html


def test_an_editor_opens_a_version_of_a_published_article(client, as_role):
    article = ArticleFactory()
    article.title = "改过的标题"
    article.save()
    as_role(EDITOR)
    version = article.history.earliest("history_date")
    response = client.get(reverse("admin:news_article_simple_history", args=[article.pk, version.history_id]))
    assert response.status_code == 200  # was a 500 (FieldError: body_as_read)
