"""The page cache: who gets cached pages, when they are dropped, and what still counts."""

import io
import time
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from members.models import CountyBranch
from members.selectors import FOOTER_CACHE_KEY
from news.models import Article
from news import selectors
from news.selectors import SEARCH_FACETS_CACHE_KEY
from news.tests.factories import ArticleFactory, AttachmentFactory, ChannelFactory
from yanan_portal import cache as page_cache

from . import servers

pytestmark = [pytest.mark.django_db, pytest.mark.page_cache]


@pytest.fixture(autouse=True)
def _own_generation_file(settings, tmp_path):
    settings.PAGE_CACHE_GENERATION_FILE = tmp_path / "page-cache-generation"


@pytest.fixture
def channel():
    return ChannelFactory(slug="work", name="工作动态")


@pytest.fixture
def article(channel):
    return ArticleFactory(channel=channel, title="老促会召开理事会")


def channel_url(channel):
    return f"/news/{channel.slug}/"


def get(client, url, **extra):
    response = client.get(url, **extra)
    assert response.status_code == 200
    return response


def test_anonymous_reader_gets_the_cached_page_without_sql(reader, article, django_assert_num_queries):
    first = get(reader, channel_url(article.channel))
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = get(reader, channel_url(article.channel))
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert "老促会召开理事会" in second.content.decode()


def test_other_cookies_do_not_defeat_the_cache(reader, article, django_assert_num_queries):
    get(reader, "/")
    reader.cookies["csrftoken"] = "x" * 32
    reader.cookies["_ga"] = "GA1.1.1"
    with django_assert_num_queries(0):
        assert get(reader, "/")["X-Page-Cache"] == "hit"
    # An anonymous reader's stale session cookie: one session lookup, still the cached page.
    reader.cookies["sessionid"] = "nosuchsession"
    with django_assert_num_queries(1):
        assert get(reader, "/")["X-Page-Cache"] == "hit"


def test_reader_preferences_get_their_own_cached_copy(reader, article):
    plain = get(reader, "/")
    reader.cookies["textsize"] = "xl"
    reader.cookies["contrast"] = "high"
    large = get(reader, "/")
    assert large["X-Page-Cache"] == "miss"
    assert 'class="text-xl contrast-high"' in large.content.decode()
    assert 'class="text-md contrast-normal"' in plain.content.decode()
    assert get(reader, "/")["X-Page-Cache"] == "hit"
    # An invalid value is the default variant, not a new one.
    reader.cookies["textsize"] = "huge"
    reader.cookies["contrast"] = "normal"
    assert get(reader, "/").content == plain.content


def test_staff_are_never_served_or_stored(client, article):
    staff = get_user_model().objects.create_user("editor", password="x", is_staff=True)
    client.force_login(staff)
    for _ in range(2):
        response = get(client, channel_url(article.channel))
        assert "X-Page-Cache" not in response
    client.logout()
    assert get(client, channel_url(article.channel))["X-Page-Cache"] == "miss"


def test_posts_messages_and_excluded_paths_are_not_cached(reader, article):
    assert reader.post(channel_url(article.channel)).status_code == 405
    assert get(reader, channel_url(article.channel))["X-Page-Cache"] == "miss"
    reader.cookies["messages"] = "something"
    assert "X-Page-Cache" not in get(reader, channel_url(article.channel))
    del reader.cookies["messages"]
    response = reader.get("/preferences/?size=lg&next=/")
    assert response.status_code == 302 and "X-Page-Cache" not in response
    assert "X-Page-Cache" not in get(reader, "/healthz")


def _publish_draft(draft):
    draft.status = Article.Status.PUBLISHED
    draft.published_at = timezone.now() - timedelta(minutes=1)
    draft.save()


def test_publishing_invalidates_cached_lists(reader, channel, article):
    draft = ArticleFactory(channel=channel, title="新发布的通知", status=Article.Status.DRAFT, published_at=None)
    assert "新发布的通知" not in get(reader, channel_url(channel)).content.decode()
    assert get(reader, channel_url(channel))["X-Page-Cache"] == "hit"
    _publish_draft(draft)
    response = get(reader, channel_url(channel))
    assert response["X-Page-Cache"] == "miss"
    assert "新发布的通知" in response.content.decode()


def test_withdrawing_invalidates_list_and_article(reader, channel, article):
    article_url = article.get_absolute_url()
    get(reader, channel_url(channel))
    get(reader, article_url)
    article = Article.objects.get(pk=article.pk)
    article.status = Article.Status.WITHDRAWN
    article.save()
    assert "老促会召开理事会" not in get(reader, channel_url(channel)).content.decode()
    assert reader.get(article_url).status_code == 404


def test_publications_published_or_withdrawn_in_bulk_invalidate_and_their_pdf_is_never_cached(reader, settings):
    from news.publication_services import publish_publications, withdraw_publications
    from news.publications import Publication
    from news.tests.factories import PublicationFactory

    issue = PublicationFactory(title="《延安老区建设》缓存测试期")
    draft = PublicationFactory(title="《延安老区建设》待发布的一期", status=Publication.Status.DRAFT, published_at=None)
    assert "待发布的一期" not in get(reader, "/publications/").content.decode()
    assert get(reader, issue.get_absolute_url())["X-Page-Cache"] == "miss"
    # As deployed: nginx sends the file, Django's answer is a small page the cache could keep.
    settings.MEDIA_ACCEL_REDIRECT = True
    for _ in range(2):
        pdf = get(reader, issue.get_read_url())
        assert "X-Accel-Redirect" in pdf and "X-Page-Cache" not in pdf  # decided on every request
    publish_publications(queryset=Publication.objects.filter(pk=draft.pk))
    assert "待发布的一期" in get(reader, "/publications/").content.decode()
    withdraw_publications(queryset=Publication.objects.filter(pk=issue.pk))
    assert "缓存测试期" not in get(reader, "/publications/").content.decode()
    assert reader.get(issue.get_absolute_url()).status_code == 404
    assert reader.get(issue.get_read_url()).status_code == 404
    assert reader.get(issue.get_download_url()).status_code == 404


def test_scheduled_publication_appears_on_time_on_a_cached_page(reader):
    from news.tests.factories import PublicationFactory

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        PublicationFactory(title="《延安老区建设》定时发布的一期", published_at=start + timedelta(minutes=5))
        assert "定时发布的一期" not in get(reader, "/publications/").content.decode()
        assert get(reader, "/publications/")["X-Page-Cache"] == "hit"
    with time_machine.travel(start + timedelta(minutes=5, seconds=2), tick=False):
        assert "定时发布的一期" in get(reader, "/publications/").content.decode()


def test_the_next_scheduled_publication_is_the_earliest_of_articles_and_issues(channel, django_assert_num_queries):
    from news.publications import Publication
    from news.tests.factories import PublicationFactory

    start = timezone.now()
    with time_machine.travel(start, tick=False):
        with django_assert_num_queries(1):
            assert page_cache._next_publication_timestamp() == "none"
        ArticleFactory(channel=channel, published_at=start + timedelta(hours=2))
        PublicationFactory(published_at=start + timedelta(hours=1))
        PublicationFactory(published_at=start + timedelta(minutes=30), status=Publication.Status.DRAFT)
        ArticleFactory(channel=channel, published_at=start - timedelta(hours=1))
        with django_assert_num_queries(1):
            assert page_cache._next_publication_timestamp() == (start + timedelta(hours=1)).timestamp()
        ArticleFactory(channel=channel, published_at=start + timedelta(minutes=10))
        assert page_cache._next_publication_timestamp() == (start + timedelta(minutes=10)).timestamp()


def test_council_units_deactivated_or_restored_in_bulk_invalidate(reader, admin_client):
    from members.tests.factories import CouncilUnitFactory

    unit = CouncilUnitFactory(name="延安测试理事单位")
    council = reverse("about:council")
    assert "延安测试理事单位" in get(reader, council).content.decode()
    changelist = reverse("admin:members_councilunit_changelist")
    admin_client.post(changelist, {"action": "deactivate", "_selected_action": [unit.pk]})
    assert "延安测试理事单位" not in get(reader, council).content.decode()
    admin_client.post(changelist, {"action": "activate", "_selected_action": [unit.pk]})
    assert "延安测试理事单位" in get(reader, council).content.decode()


def test_editing_invalidates(reader, channel, article):
    get(reader, article.get_absolute_url())
    article = Article.objects.get(pk=article.pk)
    article.title = "老促会召开第二次理事会"
    article.save()
    assert "第二次理事会" in get(reader, article.get_absolute_url()).content.decode()


def test_deleting_invalidates(reader, channel, article):
    get(reader, channel_url(channel))
    Article.objects.get(pk=article.pk).delete()
    assert "老促会召开理事会" not in get(reader, channel_url(channel)).content.decode()


def test_attachment_and_tags_invalidate(reader, article):
    get(reader, article.get_absolute_url())
    AttachmentFactory(article=article, name="会议纪要.pdf")
    assert "会议纪要.pdf" in get(reader, article.get_absolute_url()).content.decode()
    get(reader, article.get_absolute_url())
    before = page_cache.current_generation()
    article.counties.add(CountyBranch.objects.get_or_create(slug="baota", defaults={"name": "宝塔区"})[0])
    assert page_cache.current_generation() != before


def test_editing_a_draft_keeps_the_cache(reader, channel, article):
    draft = ArticleFactory(channel=channel, status=Article.Status.DRAFT, published_at=None)
    get(reader, channel_url(channel))
    draft = Article.objects.get(pk=draft.pk)
    draft.title = "仍是草稿"
    draft.save()
    draft.delete()
    assert get(reader, channel_url(channel))["X-Page-Cache"] == "hit"


def test_directory_and_channel_changes_invalidate(reader, channel, article):
    get(reader, "/")
    channel.name = "工作动态(新)"
    channel.save()
    assert "工作动态(新)" in get(reader, "/").content.decode()
    get(reader, "/branches/")
    branch = CountyBranch.objects.get_or_create(slug="baota", defaults={"name": "宝塔区"})[0]
    branch.name = branch.name + "老促会X"
    branch.save()
    assert branch.name in get(reader, "/branches/").content.decode()


def test_invalidate_public_pages_is_callable_by_services(reader, article):
    get(reader, "/")
    page_cache.invalidate_public_pages()
    assert get(reader, "/")["X-Page-Cache"] == "miss"


def test_invalidate_page_cache_command_for_updates_and_restores(reader, article):
    get(reader, "/")
    assert get(reader, "/")["X-Page-Cache"] == "hit"
    # What a restore leaves behind: a footer and filters cached from the old data.
    cache.set(page_cache.fragment_key(FOOTER_CACHE_KEY), {"name": "恢复之前的页脚", "second_name": "", "contacts": []})
    cache.set(page_cache.fragment_key(SEARCH_FACETS_CACHE_KEY), {"channels": [], "years": [], "counties": [], "programmes": []})
    output = io.StringIO()
    call_command("invalidate_page_cache", stdout=output)
    assert "已全部失效" in output.getvalue()
    home = get(reader, "/")
    assert home["X-Page-Cache"] == "miss" and "恢复之前的页脚" not in home.content.decode()
    assert selectors.search_facets()["channels"] == [article.channel]


def test_footer_and_search_filters_follow_any_change_however_it_is_made(reader, article):
    from members.models import Contact, Organisation

    Organisation.objects.create(name="延安市老区建设促进会")
    contact = Contact.objects.create(label="办公室电话", kind="phone", value="0911-1111111", in_footer=True)
    assert "0911-1111111" in get(reader, "/").content.decode()
    assert [c.name for c in selectors.search_facets()["channels"]] == ["工作动态"]
    # A shell or an import, not the admin: only the signals of the save know of it.
    contact.value = "0911-2222222"
    contact.save()
    article.channel.name = "工作要闻"
    article.channel.save()
    html = get(reader, "/").content.decode()
    assert "0911-2222222" in html and "0911-1111111" not in html
    assert [c.name for c in selectors.search_facets()["channels"]] == ["工作要闻"]


def test_scheduled_article_appears_on_time_on_a_cached_page(reader, channel, article):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ArticleFactory(channel=channel, title="定时发布的文章", published_at=start + timedelta(minutes=5))
        assert "定时发布的文章" not in get(reader, channel_url(channel)).content.decode()
        assert get(reader, channel_url(channel))["X-Page-Cache"] == "hit"
    with time_machine.travel(start + timedelta(minutes=4), tick=False):
        assert get(reader, channel_url(channel))["X-Page-Cache"] == "hit"
    with time_machine.travel(start + timedelta(minutes=5, seconds=2), tick=False):
        response = get(reader, channel_url(channel))
        assert "定时发布的文章" in response.content.decode()


def _claim_refresh_elsewhere(url):
    """Another worker has started rendering ``url`` again (it holds the refresh claim)."""
    from django.core.cache import cache

    key = page_cache.page_key(f"http://testserver{url}", "md-normal")
    assert cache.add(page_cache.REFRESH_CLAIM_KEY.format(key=key), 1, page_cache.REFRESH_GRACE_SECONDS)


def test_an_expired_page_is_rendered_by_one_request_while_others_get_the_old_copy(reader, settings, channel, article):
    settings.PAGE_CACHE_SECONDS = 60
    url = channel_url(channel)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert get(reader, url)["X-Page-Cache"] == "miss"
    # Past the lifetime, within the grace: while another worker renders, this one is given the
    # old copy at once instead of rendering the same page too.
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        _claim_refresh_elsewhere(url)
        assert get(reader, url)["X-Page-Cache"] == "stale"
    # Past the grace, the old copy is gone whatever happened to that worker.
    with time_machine.travel(start + timedelta(seconds=60 + page_cache.REFRESH_GRACE_SECONDS + 1), tick=False):
        assert get(reader, url)["X-Page-Cache"] == "miss"


def test_the_first_request_after_the_lifetime_renders_the_page_again(reader, settings, channel, article):
    settings.PAGE_CACHE_SECONDS = 60
    url = channel_url(channel)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        get(reader, url)
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        assert get(reader, url)["X-Page-Cache"] == "miss"  # it claimed the refresh and rendered
        assert get(reader, url)["X-Page-Cache"] == "hit"  # fresh again; the claim is released


def test_no_old_copy_past_a_scheduled_publication(reader, settings, channel, article):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        ArticleFactory(channel=channel, title="定时发布的文章", published_at=start + timedelta(minutes=5))
        get(reader, channel_url(channel))
    with time_machine.travel(start + timedelta(minutes=5, seconds=2), tick=False):
        _claim_refresh_elsewhere(channel_url(channel))  # even while another worker renders it
        response = get(reader, channel_url(channel))
        assert response["X-Page-Cache"] == "miss"
        assert "定时发布的文章" in response.content.decode()


def test_no_old_copy_when_a_scheduled_publication_falls_within_the_grace(reader, settings, channel, article):
    settings.PAGE_CACHE_SECONDS = 60
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        # Due 2 s after the page's lifetime, within the 5 s the old copy could still be served.
        ArticleFactory(channel=channel, title="定时发布的文章", published_at=start + timedelta(seconds=62))
        get(reader, channel_url(channel))
    with time_machine.travel(start + timedelta(seconds=63), tick=False):
        _claim_refresh_elsewhere(channel_url(channel))
        response = get(reader, channel_url(channel))
        assert response["X-Page-Cache"] == "miss"
        assert "定时发布的文章" in response.content.decode()


def test_article_page_answers_conditional_requests(reader, article):
    first = get(reader, article.get_absolute_url())
    assert first["ETag"] and first["Last-Modified"]
    not_modified = reader.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified.status_code == 304
    assert not_modified.content == b""
    since = reader.get(article.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    changed = reader.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH='"stale"')
    assert changed.status_code == 200


def test_browsers_revalidate_pages_so_a_new_text_size_or_a_withdrawal_shows_at_once(reader, client, settings, article):
    """Without Cache-Control a browser kept an article for a tenth of its age (from
    Last-Modified) and showed the old 字号 after the reader changed it."""
    url = article.get_absolute_url()
    for state in ("miss", "hit"):
        response = get(reader, url)
        assert response["X-Page-Cache"] == state
        assert response["Cache-Control"] == "no-cache"
        assert "Cookie" in response["Vary"]
    revisit = reader.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert revisit.status_code == 304 and revisit["Cache-Control"] == "no-cache"

    # The reader picks 特大: the copy the browser holds no longer matches, the new one is sent.
    reader.cookies["textsize"] = "xl"
    bigger = reader.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert bigger.status_code == 200
    assert 'class="text-xl' in bigger.content.decode()

    Article.objects.filter(pk=article.pk).update(status=Article.Status.WITHDRAWN)
    page_cache.invalidate_public_pages()
    assert reader.get(url, HTTP_IF_NONE_MATCH=bigger["ETag"]).status_code == 404

    # What has its own policy keeps it: the admin is never stored.
    assert "no-store" in client.get(f"/{settings.ADMIN_URL}login/")["Cache-Control"]


def test_views_are_counted_on_cached_pages_and_shown_within_a_minute(reader, client, article):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        first = get(reader, article.get_absolute_url())
        assert "浏览量:1" in first.content.decode()  # this visit included
        for _ in range(3):
            assert get(reader, article.get_absolute_url())["X-Page-Cache"] == "hit"
        # A revisit answered 304 counts too; crawlers never.
        reader.get(article.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
        client.get(article.get_absolute_url(), HTTP_USER_AGENT="Baiduspider/2.0")
        client.get(article.get_absolute_url(), HTTP_USER_AGENT="")
        assert Article.objects.get(pk=article.pk).views == 5
    with time_machine.travel(start + timedelta(seconds=46), tick=False):
        assert "浏览量:6" in get(reader, article.get_absolute_url()).content.decode()
    assert Article.objects.get(pk=article.pk).views == 6


def test_redis_down_serves_uncached(reader, settings, channel, article):
    settings.CACHES = {
        "default": {
            "BACKEND": "yanan_portal.cache.FaultTolerantRedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    for _ in range(2):
        response = get(reader, channel_url(channel))
        assert "老促会召开理事会" in response.content.decode()
    assert get(reader, article.get_absolute_url()).status_code == 200
    assert Article.objects.get(pk=article.pk).views == 1
    article.title = "改了标题"
    article.save()  # invalidation with Redis down must not fail the save
    assert "改了标题" in get(reader, article.get_absolute_url()).content.decode()


def test_redis_cache_shares_pages_and_generation(reader, shared_redis, channel, article):
    get(reader, channel_url(channel))
    assert get(reader, channel_url(channel))["X-Page-Cache"] == "hit"
    ArticleFactory(channel=channel, title="第二篇")
    assert "第二篇" in get(reader, channel_url(channel)).content.decode()


def _keys_read_from(monkeypatch):
    from django.core.cache import caches

    cache = caches["default"]  # the backend itself: the proxy follows settings.CACHES
    read = []
    original_get, original_get_many = cache.get, cache.get_many
    monkeypatch.setattr(cache, "get", lambda key, *args, **kwargs: read.append(key) or original_get(key, *args, **kwargs))
    monkeypatch.setattr(cache, "get_many", lambda keys, *args, **kwargs: read.extend(keys) or original_get_many(keys, *args, **kwargs))
    return read


def test_a_worker_serves_its_own_copy_and_asks_redis_only_for_the_generation(reader, shared_redis, channel, article, monkeypatch):
    url = channel_url(channel)
    assert get(reader, url)["X-Page-Cache"] == "miss"
    first_hit = get(reader, url)  # read from Redis, and copied into this worker
    read = _keys_read_from(monkeypatch)
    again = get(reader, url)
    assert again["X-Page-Cache"] == "hit"
    assert again.content == first_hit.content
    assert read == [page_cache.GENERATION_KEY]


def test_a_workers_copy_is_dropped_when_another_server_publishes(reader, shared_redis, channel, article):
    url = channel_url(channel)
    get(reader, url)
    get(reader, url)  # this worker now holds a copy
    # Another server publishes: it only bumps the shared generation in Redis.
    page_cache._bump("none")
    Article.objects.filter(pk=article.pk).update(title="另一台服务器改过的标题")
    response = get(reader, url)
    assert response["X-Page-Cache"] == "miss"
    assert "另一台服务器改过的标题" in response.content.decode()


def test_past_its_lifetime_a_workers_copy_gives_way_to_the_page_another_worker_rendered(reader, shared_redis, settings, channel, article):
    settings.PAGE_CACHE_SECONDS = 60
    url = channel_url(channel)
    key = page_cache.page_key(f"http://testserver{url}", "md-normal")
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        get(reader, url)
        get(reader, url)
        old_copy = page_cache._worker_copies.get(key)
    assert old_copy is not None
    with time_machine.travel(start + timedelta(seconds=61), tick=False):
        # Another worker renders the page again after its lifetime (here: this one, without its copy)...
        page_cache._worker_copies.delete(key)
        Article.objects.filter(pk=article.pk).update(title="过期后重新生成的标题")
        assert get(reader, url)["X-Page-Cache"] == "miss"
        # ...while this worker still holds the old copy: it takes the new page, not render a third time.
        page_cache._worker_copies.set(key, old_copy)
        response = get(reader, url)
        assert response["X-Page-Cache"] == "hit"
        assert "过期后重新生成的标题" in response.content.decode()


def test_a_restarted_redis_never_matches_a_workers_old_copy(reader, shared_redis, channel, article):
    url = channel_url(channel)
    servers.delete_redis_keys(shared_redis)  # a Redis that has never seen a change
    get(reader, url)
    get(reader, url)  # this worker now holds a copy
    servers.delete_redis_keys(shared_redis)  # Redis restarted: no generation, no pages
    Article.objects.filter(pk=article.pk).update(title="重启之后改过的标题")
    response = get(reader, url)
    assert response["X-Page-Cache"] == "miss"
    assert "重启之后改过的标题" in response.content.decode()


def test_a_withdrawal_during_a_pause_after_a_redis_error_still_drops_the_pages(reader, shared_redis, channel, article):
    from django.core.cache import caches

    url = channel_url(channel)
    get(reader, url)
    assert get(reader, url)["X-Page-Cache"] == "hit"
    # This worker saw a Redis error a moment ago: it leaves Redis alone for a few seconds...
    caches["default"]._down_until = time.monotonic() + 5
    article.status = Article.Status.DRAFT
    article.save()  # ...but the new generation is written all the same
    caches["default"]._down_until = 0.0  # e.g. another server, for which Redis never failed
    response = get(reader, url)
    assert response["X-Page-Cache"] == "miss"
    assert "老促会召开理事会" not in response.content.decode()


def test_a_new_generation_redis_refused_is_written_before_the_next_page(reader, shared_redis, channel, article, monkeypatch):
    import redis
    from django.core.cache import caches
    from django.core.cache.backends.redis import RedisCache

    url = channel_url(channel)
    get(reader, url)
    get(reader, url)
    real_set = RedisCache.set

    def refused(self, key, *args, **kwargs):
        raise redis.ConnectionError("Redis 暂时不可用")

    real_execute = redis.client.Pipeline.execute
    monkeypatch.setattr(RedisCache, "set", refused)
    monkeypatch.setattr(redis.client.Pipeline, "execute", refused)  # the generation's write
    article.status = Article.Status.DRAFT
    article.save()  # the editor's save goes through
    assert page_cache._unwritten_generation is not None
    # While the change is not in Redis, this worker serves nothing from it.
    response = get(reader, url)
    assert "X-Page-Cache" not in response and "老促会召开理事会" not in response.content.decode()
    monkeypatch.setattr(RedisCache, "set", real_set)
    monkeypatch.setattr(redis.client.Pipeline, "execute", real_execute)
    caches["default"]._down_until = 0.0  # the pause is over
    # Any request writes it, one the cache never serves included (the editor's own, say).
    reader.get("/healthz")
    assert page_cache._unwritten_generation is None
    response = get(reader, url)
    assert response["X-Page-Cache"] == "miss" and "老促会召开理事会" not in response.content.decode()
    assert page_cache._unwritten_generation is None


@pytest.fixture
def own_redis(settings, tmp_path):
    """A Redis server of this test's own, for what would disturb the shared one."""
    import shutil
    import subprocess

    import redis

    if shutil.which("redis-server") is None:
        pytest.fail("redis-server is needed (.ci/run installs it)")
    port = servers.free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(tmp_path)],
        stdout=subprocess.DEVNULL,
    )
    connection = redis.Redis(port=port)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                connection.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        settings.CACHES = {"default": {"BACKEND": "yanan_portal.cache.FaultTolerantRedisCache", "LOCATION": f"redis://127.0.0.1:{port}/0"}}
        yield connection
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_a_redis_that_blocks_writes_does_not_hold_up_the_editors_save(reader, own_redis, channel, article):
    """CLIENT PAUSE … WRITE: Redis answers reads but holds every write. redis-py reports the
    timeout of the held transaction as a WatchError, which must not be taken for another
    writer and tried again until Redis lets go."""
    connection = own_redis
    url = channel_url(channel)
    get(reader, url)
    connection.execute_command("CLIENT", "PAUSE", 4000, "WRITE")
    try:
        started = time.monotonic()
        article.status = Article.Status.DRAFT
        article.save()
        took = time.monotonic() - started
    finally:
        connection.execute_command("CLIENT", "UNPAUSE")
    assert took < 1.5, f"the save waited {took:.1f} s for Redis"
    assert page_cache._unwritten_generation is not None  # written before this worker serves again
    response = get(reader, url)
    assert "老促会召开理事会" not in response.content.decode()


def test_other_writers_racing_for_the_generation_give_up_after_a_few_attempts(shared_redis, monkeypatch):
    import redis
    from django.core.cache import caches

    cache = caches["default"]
    attempts = []

    def always_lost(pipe, *args, **kwargs):
        attempts.append(1)
        pipe.reset()
        raise redis.WatchError("Watched variable changed.")

    monkeypatch.setattr(redis.client.Pipeline, "execute", always_lost)
    with pytest.raises(redis.WatchError):
        cache.replace_through_pause("racing", lambda stored: "mine")
    assert len(attempts) == cache.REPLACE_ATTEMPTS
    monkeypatch.undo()
    cache._down_until = 0.0
    assert cache.replace_through_pause("racing", lambda stored: f"after {stored}") == "after None"
    assert cache.get("racing") == "after None"


def test_large_pages_are_not_copied_into_workers(reader, shared_redis, channel, article, monkeypatch):
    monkeypatch.setattr(page_cache, "WORKER_COPY_MAX_BYTES", 100)
    url = channel_url(channel)
    get(reader, url)
    assert get(reader, url)["X-Page-Cache"] == "hit"  # from Redis
    assert page_cache._worker_copies.get(page_cache.page_key(f"http://testserver{url}", "md-normal")) is None


def test_redis_cache_keeps_one_client_per_pool(shared_redis):
    # Django builds a redis.Redis per command; building one costs a quarter of a cached
    # page (perf, issue 9). Ours keeps one per connection pool, and it still works.
    backend = page_cache.FaultTolerantRedisCache(servers.REDIS_URL, {"KEY_PREFIX": shared_redis})
    first = backend._cache.get_client(write=False)
    assert backend._cache.get_client(write=True) is first
    backend.set("k", "值", 5)
    assert backend.get("k") == "值"
    assert backend._cache.get_client() is first
    backend.delete("k")


def test_redis_url_selects_djangos_backend_made_fault_tolerant():
    import environ

    config = environ.Env().cache_url_config("redis://127.0.0.1:6379/1")
    assert config["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    from django.conf import settings

    # settings.py swaps in the fault-tolerant subclass of that same backend.
    from django.core.cache.backends.redis import RedisCache

    assert issubclass(page_cache.FaultTolerantRedisCache, RedisCache)
    assert settings.CACHES["default"]["BACKEND"] in (
        "django.core.cache.backends.locmem.LocMemCache",
        "yanan_portal.cache.FaultTolerantRedisCache",
    )


def test_a_foreign_host_header_is_refused_not_cached(reader, article, caplog):
    response = reader.get("/", HTTP_HOST="evil.example.com")
    assert response.status_code == 400
    assert "页面缓存" not in caplog.text


def test_a_304_revisit_counts_when_the_page_cache_is_off(reader, settings, article):
    settings.PAGE_CACHE_ENABLED = False
    first = get(reader, article.get_absolute_url())
    # Uncached, the count on the page changes the ETag; Last-Modified still matches.
    assert reader.get(article.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304
    assert Article.objects.get(pk=article.pk).views == 2


def test_without_a_cache_the_page_cache_does_no_work(reader, settings, article, django_assert_num_queries):
    # CACHE_URL=dummycache:// (the benchmark's uncached run): no keys, no lifetimes, and no
    # query for the next scheduled publication on every page.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    with django_assert_num_queries(4) as captured:  # the channel list's own, as with the cache off
        response = get(reader, channel_url(article.channel))
    assert "X-Page-Cache" not in response
    assert not any('"published_at" > ' in q["sql"] for q in captured.captured_queries)
    assert "老促会召开理事会" in response.content.decode()


def test_cached_pages_keep_the_security_headers(reader, article):
    miss = get(reader, article.get_absolute_url())
    hit = get(reader, article.get_absolute_url())
    assert hit["X-Page-Cache"] == "hit"
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy", "ETag", "Last-Modified"):
        assert hit[header] == miss[header]


def test_anonymous_reader_with_a_stale_session_gets_cached_pages(reader, article, django_assert_num_queries):
    get(reader, "/")
    reader.cookies["sessionid"] = "expired-session"
    with django_assert_num_queries(1):  # the session lookup
        assert get(reader, "/")["X-Page-Cache"] == "hit"


def test_views_gather_in_redis_and_reach_the_database_in_one_update(reader, shared_redis, settings, article, django_assert_num_queries):
    # No flush while the test counts: it checks that views wait in Redis until flushed.
    settings.VIEW_COUNT_FLUSH_SECONDS = 3600
    page_cache._next_flush_check = 0.0
    page_cache.flush_view_counts()
    get(reader, article.get_absolute_url())
    with django_assert_num_queries(0):
        for _ in range(4):
            assert get(reader, article.get_absolute_url())["X-Page-Cache"] == "hit"
    assert Article.objects.get(pk=article.pk).views == 0  # still gathering
    with django_assert_num_queries(3):  # SAVEPOINT, one UPDATE, RELEASE
        assert page_cache.flush_view_counts() == 5
    assert Article.objects.get(pk=article.pk).views == 5
    assert page_cache.flush_view_counts() == 0


def test_local_memory_generation_is_shared_through_a_file(settings, tmp_path, article):
    # Each gunicorn worker has its own local memory; the generation must not live there.
    settings.PAGE_CACHE_GENERATION_FILE = tmp_path / "generation"
    before = page_cache.current_generation()
    page_cache.invalidate_public_pages()
    assert (tmp_path / "generation").exists()
    assert page_cache.current_generation() != before
    assert page_cache.current_generation() == str((tmp_path / "generation").stat().st_mtime_ns)
