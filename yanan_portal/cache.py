"""The public page cache: what is cached, for how long, and how it is invalidated.

How it works (see docs/performance-and-deployment.md, 缓存):

* ``PageCacheMiddleware`` stores whole GET responses of public pages for anonymous
  readers in Django's cache (local memory by default, Redis with ``CACHE_URL=redis://…``).
  The key holds the URL and the reader's ``textsize`` and ``contrast`` cookies, which
  change the rendered ``<html>`` class; other cookies (csrftoken, sessionid of an
  anonymous session, analytics) do not split or defeat the cache.
* Never cached: logged-in users (staff), requests with pending messages, anything that
  is not GET/HEAD, the admin, previews, responses that set a cookie, use the CSP nonce,
  stream, are not 200, or say ``Cache-Control: private/no-cache/no-store``.
* Invalidation: every key contains a *generation*. ``invalidate_public_pages()`` starts a
  new generation, so every cached page is rebuilt on its next request. It is called by
  the signal receivers at the end of this module whenever public content changes
  (articles, channels, attachments, directory, programmes); services may call it too.
* Time: an entry lives at most ``PAGE_CACHE_SECONDS`` and never past the next scheduled
  publication, so a scheduled article appears on time. Article pages live at most
  ``PAGE_CACHE_ARTICLE_SECONDS`` (45), which bounds how stale 浏览量 can look. When a
  lifetime ends, one request renders the page again while the others get the old copy for
  at most ``REFRESH_GRACE_SECONDS`` (never past a scheduled publication or an invalidation).
* With Redis, each worker also keeps copies of the pages it served lately; a copy is used
  only while the shared generation (read from Redis on every request) still matches and it
  is within its lifetime, so publishing on one server reaches every worker of every server
  at once.
* 浏览量 is counted by ``ArticleViewCounterMiddleware``, which sits in front of the
  cache, so cached hits count too.
* ``FaultTolerantRedisCache``: a Redis that is down makes the site serve uncached, not 500.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import time
from contextvars import ContextVar
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.core.exceptions import DisallowedHost
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save
from django.http import HttpResponse
from django.middleware.http import ConditionalGetMiddleware
from django.utils import timezone
from django.utils.cache import set_response_etag

from .replica import wal_position_of_primary

logger = logging.getLogger(__name__)

GENERATION_KEY = "pagecache:generation"
NEXT_PUBLICATION_KEY = "pagecache:next-publication:{generation}"
# A page's entry records the generation it was made in; an entry of an older generation is
# a miss. With a shared cache a request reads the generation and, unless this worker holds
# a fresh copy of the page (_worker_copies), the page in the same round trip (get_many).
PAGE_KEY = "pagecache:page:{variant}:{digest}"


def page_key(url: str, variant: str) -> str:
    """The cache key of the page at ``url`` (absolute) for one text size and contrast."""
    return PAGE_KEY.format(variant=variant, digest=hashlib.sha256(url.encode()).hexdigest()[:32])

# Attributes a view may set on its response (they survive the cache):
# - ``article_view_pk``: this response shows that article; count a view (ArticleViewCounterMiddleware);
# - ``page_cache_seconds``: an upper bound on this page's lifetime in the cache.
VIEW_COUNT_ATTR = "article_view_pk"
TIMEOUT_ATTR = "page_cache_seconds"

# When a page's lifetime is over, one request renders it again while the others are still
# given the old copy, for at most this many seconds: without it, every worker that asked
# in the same moment rendered the page at once (p99 spikes on a busy article every
# PAGE_CACHE_ARTICLE_SECONDS; perf, issue 9). Never for a page whose lifetime was cut short
# by a scheduled publication, nor across an invalidation (a new generation is a miss).
REFRESH_GRACE_SECONDS = 5  # keeps 浏览量 within a minute: 45 s + 5 s + VIEW_COUNT_FLUSH_SECONDS
REFRESH_CLAIM_KEY = "pagecache:refresh:{key}"

# With a shared cache (Redis), each worker also keeps its own copy of the pages it served
# lately, checked against the shared generation on every request: a hit then moves a few
# bytes from Redis instead of the whole page (cached home page +4 % req/s in an A/B run;
# perf, issue 9). Bounded: at most WORKER_COPIES pages of at most WORKER_COPY_MAX_BYTES
# (pages are 10–60 KB; a sitemap section of 5,000 addresses, about 600 KB, is not copied),
# so at most 25 MB a worker whatever addresses are asked for.
WORKER_COPIES = 200
WORKER_COPY_MAX_BYTES = 128 * 1024
_worker_copies = LocMemCache("page-cache-worker-copies", {"OPTIONS": {"MAX_ENTRIES": WORKER_COPIES, "CULL_FREQUENCY": 3}})


# --- Invalidation -------------------------------------------------------------------


def _generation_file() -> Path:
    return Path(getattr(settings, "PAGE_CACHE_GENERATION_FILE", Path(settings.BASE_DIR) / "var" / "page-cache-generation"))


def _is_process_local(cache) -> bool:
    # Each gunicorn worker has its own local-memory cache, so a generation kept there
    # would only be bumped in the worker that saw the change. Those workers share the
    # host's disk instead: the generation is the modification time of a small file.
    return isinstance(cache, LocMemCache)


# What one request knows of the generation, read once and then kept (``PageCacheMiddleware``
# opens it for each request): the page, the footer and the search filters are then stored
# under the generation whose WAL position decided where they were read from (replica.py).
# Read again mid-request, a newer generation could take a footer built from a replica that
# has not replayed the newer change. A change made by the request itself moves it on.
_request_generation: ContextVar[dict | None] = ContextVar("page_cache_request_generation", default=None)


def current_generation() -> str:
    pinned = _request_generation.get()
    if pinned is not None and "generation" in pinned:
        return pinned["generation"]
    if _is_process_local(caches["default"]):
        try:
            generation = str(os.stat(_generation_file()).st_mtime_ns)
        except OSError:
            generation = "0"
    else:
        generation = _shared_generation(caches["default"].get(GENERATION_KEY))
    return _pin(generation=generation)


def _pin(**known) -> str:
    pinned = _request_generation.get()
    if pinned is not None:
        pinned.update(known)
    return known.get("generation", "")


def fragment_key(name: str) -> str:
    """The cache key of data drawn on public pages outside the page cache (the footer, the
    search page's filters): it holds the current generation, so whatever drops the cached
    pages (``invalidate_public_pages``, on any change to news, members or projects, however
    it is made) drops these too, with no list of which models they read."""
    return f"{name}:{current_generation()}"


def fragment_timeout(seconds: int) -> int:
    """``seconds``, or less when a scheduled article or publication becomes public sooner: a
    fragment drawn from what is published (the search page's years) must not outlive that, as
    a cached page does not (no save happens when a scheduled article comes out)."""
    upcoming = _seconds_until_next_publication(current_generation())
    return seconds if upcoming is None else min(seconds, upcoming)


def _shared_generation(stored) -> str:
    """The generation kept in a shared cache, given what was read of it.

    A Redis that lost its keys (restarted, flushed) starts a new, unique generation rather
    than falling back to a fixed one: a worker's copy of a page made before a restart must
    never match a generation of after it.
    """
    if stored is not None:
        return str(stored)
    if time.monotonic() < getattr(caches["default"], "_down_until", 0.0):
        return "0"  # paused after an error: nothing can be added, so no new generation to make
    caches["default"].add(GENERATION_KEY, _unique_generation(), timeout=None)
    return str(caches["default"].get(GENERATION_KEY) or "0")


def _unique_generation() -> str:
    generation = f"{time.time_ns():x}{os.getpid():x}"
    position = wal_position_of_primary()
    return f"{generation}@{position}" if position else generation


def generation_wal_position() -> str:
    """The primary's WAL position when the current generation began ("" if not recorded):
    a read replica serves public pages only once it has replayed that far (replica.py)."""
    if _is_process_local(caches["default"]):
        # The generation first: a position read after it is at least as new as its change.
        current_generation()
        pinned = _request_generation.get()
        if pinned is not None and "position" in pinned:
            return pinned["position"]
        try:
            position = _generation_file().read_text().strip()
        except OSError:
            position = ""
        _pin(position=position)
        return position
    return current_generation().partition("@")[2]


def _new_generation(*, reset_position: bool = False) -> str:
    """A new generation recording the primary's WAL position now, or the one recorded before
    if that is later (``_later_position``); with ``reset_position`` the position now, whatever
    was recorded (invalidate_page_cache --reset-replica-position: after a point-in-time restore
    of the same cluster, whose positions went back)."""
    if _is_process_local(caches["default"]):
        path = _generation_file()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(path, "a+") as file:
                # Locked, so that of two changes at once the later position is kept.
                fcntl.flock(file, fcntl.LOCK_EX)
                file.seek(0)
                position = wal_position_of_primary()
                if not reset_position:
                    position = _later_position(position, file.read().strip())
                file.seek(0)
                file.truncate()
                file.write(position)
                file.flush()
                # Two changes within the file system's clock tick must still differ.
                stamp = max(time.time_ns(), os.fstat(file.fileno()).st_mtime_ns + 1)
                os.utime(file.fileno(), ns=(stamp, stamp))
            return _pin(generation=str(stamp), position=position)
        except OSError:
            logger.exception("页面缓存:无法更新缓存代号文件 %s", path)
            caches["default"].clear()
            pinned = _request_generation.get()
            if pinned is not None:
                pinned.clear()  # nothing known: read again
            return current_generation()
    generation = _write_shared_generation(_unique_generation(), reset_position=reset_position)
    return _pin(generation=generation)


def _later_position(mine: str, recorded: str) -> str:
    """The later of two WAL positions. Two changes at once read their positions in one order
    and may record them in the other: the generation must still ask the replica for the later
    one, or it could rebuild a page without the other change. Positions of another cluster
    (a primary restored into a new one, ``replica.wal_position_of_primary``) cannot be
    compared: the one just read wins."""
    from .replica import split_position

    (mine_cluster, mine_at), (recorded_cluster, recorded_at) = split_position(mine), split_position(recorded)
    if mine_at is None or recorded_at is None or mine_cluster != recorded_cluster:
        return mine
    return recorded if recorded_at > mine_at else mine


def _with_later_position(generation: str, recorded) -> str:
    unique, at, position = generation.partition("@")
    if not at or recorded is None:
        return generation
    return f"{unique}@{_later_position(position, str(recorded).partition('@')[2])}"


# A new generation that could not be written to Redis: written before this worker serves its
# next page. Without it, Redis answering again would let every server serve pages from before
# a withdrawal for up to PAGE_CACHE_SECONDS.
_unwritten_generation: str | None = None


def generation_written() -> bool:
    """False while this process holds a new generation the cache refused (see above)."""
    return _unwritten_generation is None


def _retry_unwritten_generation() -> None:
    """Tried again at most once per pause, so that an outage does not cost every request a
    timeout. Kept in this process only: a worker that is restarted meanwhile forgets it, and
    the old pages then last until their lifetime ends (PAGE_CACHE_SECONDS)."""
    if time.monotonic() >= getattr(caches["default"], "_down_until", 0.0):
        _write_shared_generation(_unwritten_generation)


def _write_shared_generation(generation: str, *, reset_position: bool = False) -> str:
    """Write the generation even during FaultTolerantRedisCache's pause after an error: that
    pause is for readers, and a dropped bump would leave the old pages on every server.
    Returns the generation as written (its WAL position may be raised, ``_later_position``)."""
    global _unwritten_generation
    cache = caches["default"]
    try:
        if isinstance(cache, FaultTolerantRedisCache):
            generation = cache.replace_through_pause(
                GENERATION_KEY, lambda stored: generation if reset_position else _with_later_position(generation, stored)
            )
        else:
            cache.set(GENERATION_KEY, generation, timeout=None)
    except Exception as error:  # whatever the backend raises: the editor's save must go through
        logger.error("页面缓存:新的缓存代号未能写入(%s),本进程在写入之前不使用缓存", error)
        _unwritten_generation = generation
    else:
        _unwritten_generation = None
    return generation


def _bump(upcoming: float | str, *, reset_position: bool = False) -> None:
    generation = _new_generation(reset_position=reset_position)
    _remember_next_publication(generation, upcoming)


def invalidate_public_pages(*, reset_replica_position: bool = False) -> None:
    """Drop every cached public page: call after any change that readers can see.

    Bumped at once and again after the surrounding transaction commits, so a request
    that ran between the change and the commit cannot leave the old page cached. The
    next scheduled publication is looked up here, once, so that page views need not.
    ``reset_replica_position``: see ``_new_generation``.
    """
    upcoming = _next_publication_timestamp()
    _bump(upcoming, reset_position=reset_replica_position)
    transaction.on_commit(lambda: _bump(upcoming, reset_position=reset_replica_position))


# --- Lifetime ----------------------------------------------------------------------


def _next_publication_timestamp() -> float | str:
    """When the next scheduled article or publication (出版物) becomes public: one query."""
    from news.models import Article
    from news.publications import Publication

    now = timezone.now()
    scheduled = [
        model.objects.filter(status=model.Status.PUBLISHED, published_at__gt=now).order_by().values_list("published_at")
        for model in (Article, Publication)
    ]
    upcoming = scheduled[0].union(scheduled[1], all=True).order_by("published_at").first()
    return upcoming[0].timestamp() if upcoming else "none"


def _remember_next_publication(generation: str, upcoming: float | str) -> None:
    caches["default"].set(NEXT_PUBLICATION_KEY.format(generation=generation), upcoming, timeout=settings.PAGE_CACHE_SECONDS)


def _seconds_until_next_publication(generation: str) -> int | None:
    """Seconds until the next scheduled article becomes public (None: nothing scheduled)."""
    now = timezone.now().timestamp()
    upcoming = caches["default"].get(NEXT_PUBLICATION_KEY.format(generation=generation))
    if upcoming is None or (upcoming != "none" and upcoming <= now):
        upcoming = _next_publication_timestamp()
        _remember_next_publication(generation, upcoming)
    if upcoming == "none":
        return None
    return max(1, int(upcoming - now) + 1)


# --- Middleware --------------------------------------------------------------------


def _variant(request) -> str:
    from yanan_portal.views import CONTRASTS, TEXT_SIZES

    size = request.COOKIES.get("textsize")
    contrast = request.COOKIES.get("contrast")
    return f"{size if size in TEXT_SIZES else 'md'}-{contrast if contrast in CONTRASTS else 'normal'}"


def _excluded_prefixes() -> tuple[str, ...]:
    return ("/" + settings.ADMIN_URL, *settings.PAGE_CACHE_EXCLUDE)


class PageCacheMiddleware:
    """Serve anonymous readers' GET requests for public pages from the shared cache.

    It sits at the top of MIDDLEWARE, so that a hit skips every other middleware: the
    stored response already carries the headers they added (security headers, CSP without
    a nonce, X-Frame-Options), and conditional requests are answered here. A request with
    a session cookie may be a logged-in user: it is left to ``PageCacheSessionMiddleware``,
    which sits after AuthenticationMiddleware and serves the cached page to anonymous
    readers with a stale session, without storing anything.
    """

    after_auth = False

    def __init__(self, get_response):
        self.get_response = get_response
        self._conditional = ConditionalGetMiddleware(get_response)

    def __call__(self, request):
        if self.after_auth:
            return self._serve(request)
        token = _request_generation.set({})
        try:
            return self._serve(request)
        finally:
            _request_generation.reset(token)

    def _serve(self, request):
        if _unwritten_generation is not None and not self.after_auth:
            _retry_unwritten_generation()  # on any request, the editor's own included
        if (settings.SESSION_COOKIE_NAME in request.COOKIES) != self.after_auth:
            return self.get_response(request)
        if not self._cacheable_request(request):
            return self.get_response(request)
        try:
            url = request.build_absolute_uri()
        except DisallowedHost:
            return self.get_response(request)  # CommonMiddleware answers 400
        key = page_key(url, _variant(request))
        claim_key = REFRESH_CLAIM_KEY.format(key=key)
        if _unwritten_generation is not None:
            return self.get_response(request)  # nothing from the shared cache until it knows of the change
        try:
            if _is_process_local(caches["default"]):
                generation, entry = current_generation(), caches["default"].get(key)
            else:
                generation, entry = self._shared_entry(key)
            if entry is not None and entry.get("generation") != generation:
                entry = None
            state, claimed = "hit", False
            if entry is not None and time.time() >= entry.get("fresh_until", float("inf")):
                # Past its lifetime, within the grace: the first request to claim the
                # refresh renders the page; the others get this copy meanwhile.
                if (
                    self.after_auth
                    or request.method != "GET"
                    or not caches["default"].add(claim_key, 1, REFRESH_GRACE_SECONDS)
                ):
                    state = "stale"
                else:
                    entry, claimed = None, True
        except Exception:
            # A cache that fails must never take the page down with it.
            logger.exception("页面缓存读取失败,本次不使用缓存")
            return self.get_response(request)
        if entry is not None:
            response = self._rebuild(entry)
            response.headers["X-Page-Cache"] = state
            if self.after_auth:
                return response  # ConditionalGetMiddleware further out answers 304
            return self._conditional.process_response(request, response)
        response = self.get_response(request)
        if not self.after_auth and request.method == "GET" and self._cacheable_response(request, response):
            try:
                self._store(key, generation, response)
                response.headers["X-Page-Cache"] = "miss"
                if claimed:
                    caches["default"].delete(claim_key)
            except Exception:
                logger.exception("页面缓存写入失败")
        return response

    @staticmethod
    def _shared_entry(key: str) -> tuple[str, dict | None]:
        """The current generation and the page's entry from a shared cache (Redis).

        The worker's own copy is used while it is of the current generation and fresh, so
        that a hit asks Redis only for the generation (a few bytes) instead of the whole
        page; otherwise the shared entry is read and copied here.
        """
        copy = _worker_copies.get(key)
        fresh_copy = copy is not None and time.time() < copy.get("fresh_until", copy["expires_at"])
        pinned = _request_generation.get()
        if fresh_copy or (pinned is not None and "generation" in pinned):
            generation = current_generation()
            if fresh_copy and copy["generation"] == generation:
                return generation, copy
            entry = caches["default"].get(key)
        else:
            found = caches["default"].get_many([GENERATION_KEY, key])
            generation, entry = _pin(generation=_shared_generation(found.get(GENERATION_KEY))), found.get(key)
        if (
            entry is not None
            and entry["generation"] == generation
            and "expires_at" in entry
            and len(entry["content"]) <= WORKER_COPY_MAX_BYTES
        ):
            _worker_copies.set(key, entry, timeout=max(0, entry["expires_at"] - time.time()))
        return generation, entry

    def _cacheable_request(self, request) -> bool:
        if not settings.PAGE_CACHE_ENABLED or request.method not in ("GET", "HEAD"):
            return False
        if isinstance(caches["default"], DummyCache):
            return False  # CACHE_URL=dummycache://: no cache, so no keys or lifetimes to work out
        if request.path.startswith(_excluded_prefixes()):
            return False
        if "messages" in request.COOKIES:
            return False
        if self.after_auth:
            user = getattr(request, "user", None)
            if user is None or user.is_authenticated:
                return False
        return True

    @staticmethod
    def _cacheable_response(request, response) -> bool:
        if response.status_code != 200 or response.streaming or response.cookies:
            return False
        if getattr(request, "_csp_nonce", None):
            return False  # a nonce must never be sent twice
        if getattr(response, "_page_cache_skip", False):
            return False
        if response.has_header("Cache-Control"):
            directives = {d.split("=")[0].strip().lower() for d in response["Cache-Control"].split(",")}
            if directives & {"private", "no-cache", "no-store"}:
                return False
        storage = getattr(request, "_messages", None)
        # A page that shows or queues a message is for this reader only.
        if storage is not None and (storage._queued_messages or getattr(storage, "_loaded_data", None)):
            return False
        return True

    @staticmethod
    def _store(key: str, generation: str, response) -> None:
        timeout = settings.PAGE_CACHE_SECONDS
        own_limit = getattr(response, TIMEOUT_ATTR, None)
        if own_limit is not None:
            timeout = min(timeout, own_limit)
        grace = REFRESH_GRACE_SECONDS
        until_publication = _seconds_until_next_publication(generation)
        if until_publication is not None and until_publication <= timeout + grace:
            # The scheduled article must appear on time: no old copy served past it, not even
            # within the grace.
            timeout, grace = min(timeout, until_publication), 0
        if timeout <= 0:
            return
        if not response.has_header("ETag"):
            set_response_etag(response)
        entry = {
            "generation": generation,
            "content": response.content,
            "headers": list(response.headers.items()),
            "status": response.status_code,
            VIEW_COUNT_ATTR: getattr(response, VIEW_COUNT_ATTR, None),
        }
        now = time.time()
        if grace:
            entry["fresh_until"] = now + timeout
        entry["expires_at"] = now + timeout + grace
        caches["default"].set(key, entry, timeout=timeout + grace)

    @staticmethod
    def _rebuild(entry) -> HttpResponse:
        response = HttpResponse(entry["content"], status=entry["status"])
        for name, value in entry["headers"]:
            response.headers[name] = value
        setattr(response, VIEW_COUNT_ATTR, entry.get(VIEW_COUNT_ATTR))
        return response


class PageCacheSessionMiddleware(PageCacheMiddleware):
    """The page cache for requests with a session cookie: after AuthenticationMiddleware."""

    after_auth = True


def disable_page_cache(response):
    """Mark a response (e.g. a preview) as never to be stored in the shared cache."""
    response._page_cache_skip = True
    return response


class ArticleViewCounterMiddleware:
    """Count 浏览量 in front of the page cache, so cached article pages count too.

    A view sets ``response.article_view_pk``; the cache keeps it with the page.
    Crawlers do not count. See ``count_article_view`` for how a view is counted.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        flush_view_counts_if_due()
        response = self.get_response(request)
        pk = getattr(response, VIEW_COUNT_ATTR, None)
        if response.status_code == 304 and not pk:
            # ConditionalGetMiddleware's 304 is a new response without the view's mark.
            pk = _article_pk_of(request)
        if pk and request.method == "GET" and response.status_code in (200, 304):
            from news.views import is_crawler

            if not is_crawler(request):
                count_article_view(int(pk))
        return response


# 浏览量 with Redis: one HINCRBY per view into a hash of pending counts, written to the
# database by whichever request comes first after VIEW_COUNT_FLUSH_SECONDS, as one UPDATE
# per article. Thousands of readers of one article then cost PostgreSQL a few UPDATEs a
# minute instead of one row-locked, fsynced UPDATE each. Without Redis (local memory, or
# Redis down) every view is one atomic UPDATE at once (Article.count_view).
VIEWS_PENDING_KEY = "views:pending"
VIEWS_FLUSH_LOCK_KEY = "views:flush-lock"
_next_flush_check = 0.0


def _redis_client():
    if not isinstance(caches["default"], RedisCache) or settings.VIEW_COUNT_FLUSH_SECONDS <= 0:
        return None
    if time.monotonic() < getattr(caches["default"], "_down_until", 0.0):
        return None
    return caches["default"]._cache.get_client(write=True)


def count_article_view(pk: int) -> None:
    from news.models import Article

    client = _redis_client()
    if client is not None:
        import redis

        try:
            client.hincrby(caches["default"].make_and_validate_key(VIEWS_PENDING_KEY), str(pk), 1)
            return
        except redis.RedisError as error:
            caches["default"]._pause(error)
    Article(pk=pk).count_view()


def flush_view_counts_if_due() -> None:
    """At most one flush per VIEW_COUNT_FLUSH_SECONDS across all workers and servers."""
    global _next_flush_check
    now = time.monotonic()
    if now < _next_flush_check:
        return
    _next_flush_check = now + max(1, settings.VIEW_COUNT_FLUSH_SECONDS)
    client = _redis_client()
    if client is None:
        return
    import redis

    try:
        if client.set(caches["default"].make_and_validate_key(VIEWS_FLUSH_LOCK_KEY), 1, nx=True, ex=max(1, settings.VIEW_COUNT_FLUSH_SECONDS)):
            flush_view_counts()
    except redis.RedisError:
        logger.warning("Redis 不可用,浏览量暂未写入数据库")


def flush_view_counts() -> int:
    """Write the pending counts to the database; returns how many views were written."""
    import uuid

    from django.db.models import F

    from news.models import Article

    client = _redis_client()
    if client is None:
        return 0
    import redis

    pending = caches["default"].make_and_validate_key(VIEWS_PENDING_KEY)
    batch = f"{pending}:flushing:{uuid.uuid4().hex}"
    try:
        client.rename(pending, batch)  # atomic: new views go to a fresh hash
    except redis.ResponseError:
        return 0  # nothing pending
    client.expire(batch, 24 * 3600)
    counts = {int(pk): int(n) for pk, n in client.hgetall(batch).items()}
    with transaction.atomic():
        for pk in sorted(counts):  # one lock order for every flusher
            Article.objects.filter(pk=pk).update(views=F("views") + counts[pk])
    client.delete(batch)
    return sum(counts.values())


def _article_pk_of(request):
    from django.urls import Resolver404, resolve

    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return match.kwargs.get("pk") if match.view_name == "news:article" else None


# --- Fault-tolerant Redis -------------------------------------------------------------


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis client, keeping one ``redis.Redis`` per connection pool.

    Django builds a new ``redis.Redis`` for every command, and each one fills a table of
    about 170 response callbacks: a quarter of the time of a page served from the cache
    (perf, issue 9). A ``redis.Redis`` is thread-safe and holds no connection of its own
    (it borrows one from the pool for each command), so one per pool serves them all.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class FaultTolerantRedisCache(RedisCache):
    """Django's Redis cache that treats an unreachable Redis as a cache miss.

    After a failure, Redis is left alone for ``RETRY_AFTER`` seconds so that readers do
    not each wait for a connection timeout; writes are dropped, reads return the default.
    """

    RETRY_AFTER = 5.0
    # Writers racing on one key: each lost race means another write landed, so a few
    # attempts are plenty; beyond them the write is reported as failed (and retried later).
    REPLACE_ATTEMPTS = 5

    def __init__(self, server, params):
        params = {**params}
        options = {**params.get("OPTIONS", {})}
        options.setdefault("socket_connect_timeout", 0.25)
        options.setdefault("socket_timeout", 0.5)
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._down_until = 0.0

    def _guard(self, default, method, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return default
        try:
            return method(*args, **kwargs)
        except Exception as error:  # redis.ConnectionError, TimeoutError, BusyLoadingError…
            import redis

            if not isinstance(error, redis.RedisError):
                raise
            self._pause(error)
            return default

    def _pause(self, error) -> None:
        self._down_until = time.monotonic() + self.RETRY_AFTER
        logger.warning("Redis 不可用(%s),%s 秒内不使用缓存", error, self.RETRY_AFTER)

    def replace_through_pause(self, key, new_value):
        """Store ``new_value(stored value)`` under ``key`` with no expiry, atomically (WATCH …
        MULTI: a write by another process in between makes it try again); returns what it
        stored. A write that must not be dropped (the page cache's generation): tried even
        during the pause, and raising when Redis refuses it, after starting a pause as any
        failure does."""
        import redis

        cache_key = self.make_and_validate_key(key)
        serializer = self._cache._serializer
        try:
            with self._cache.get_client(write=True).pipeline() as pipe:
                for attempt in range(1, self.REPLACE_ATTEMPTS + 1):
                    try:
                        pipe.watch(cache_key)
                        stored = pipe.get(cache_key)
                        value = new_value(None if stored is None else serializer.loads(stored))
                        pipe.multi()
                        pipe.set(cache_key, serializer.dumps(value))
                        pipe.execute()
                        return value
                    except redis.WatchError as error:
                        # redis-py reports a lost connection while watching as a WatchError
                        # too: that is a failure, not another writer, and must not be retried
                        # here (a Redis that blocks writes would keep the editor's save waiting).
                        lost = error.__cause__ or error.__context__
                        connection_lost = isinstance(lost, (redis.ConnectionError, redis.TimeoutError)) or (
                            "occurred while watching" in str(error)
                        )
                        if connection_lost or attempt == self.REPLACE_ATTEMPTS:
                            raise
        except redis.RedisError as error:
            self._pause(error)
            raise

    def get(self, key, default=None, version=None):
        return self._guard(default, super().get, key, default, version)

    def get_many(self, keys, version=None):
        return self._guard({}, super().get_many, keys, version)

    def set(self, key, value, timeout=..., version=None):
        from django.core.cache.backends.base import DEFAULT_TIMEOUT

        timeout = DEFAULT_TIMEOUT if timeout is ... else timeout
        return self._guard(None, super().set, key, value, timeout, version)

    def add(self, key, value, timeout=..., version=None):
        from django.core.cache.backends.base import DEFAULT_TIMEOUT

        timeout = DEFAULT_TIMEOUT if timeout is ... else timeout
        return self._guard(False, super().add, key, value, timeout, version)

    def set_many(self, data, timeout=..., version=None):
        from django.core.cache.backends.base import DEFAULT_TIMEOUT

        timeout = DEFAULT_TIMEOUT if timeout is ... else timeout
        return self._guard(list(data), super().set_many, data, timeout, version)

    def touch(self, key, timeout=..., version=None):
        from django.core.cache.backends.base import DEFAULT_TIMEOUT

        timeout = DEFAULT_TIMEOUT if timeout is ... else timeout
        return self._guard(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._guard(False, super().delete, key, version)

    def delete_many(self, keys, version=None):
        return self._guard(None, super().delete_many, keys, version)

    def has_key(self, key, version=None):
        return self._guard(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        # Like a missing key: the caller decides what a failed count means.
        if time.monotonic() < self._down_until:
            raise ValueError("Redis unavailable")
        return super().incr(key, delta, version)

    def clear(self):
        return self._guard(False, super().clear)


# --- When public content changes ----------------------------------------------------------
# The one place that connects model changes to invalidate_public_pages(). Services
# (news/services.py) may call invalidate_public_pages() directly as well; a second call
# costs nothing but a cache write.


def _is_public_article_state(status, published_at) -> bool:
    from news.models import Article

    return status == Article.Status.PUBLISHED and published_at is not None


def _article_loaded(sender, instance, **kwargs):
    # What the article was when loaded, so that saving it later can tell whether readers
    # saw it before (no extra query on save).
    fields = instance.__dict__
    # Unknown (deferred fields) counts as public: invalidating too often is only slower.
    instance._page_cache_loaded_state = (
        (fields["status"], fields["published_at"]) if "status" in fields and "published_at" in fields else None
    )


def _article_changed(sender, instance, raw=False, created=False, **kwargs):
    if raw:
        return
    loaded = getattr(instance, "_page_cache_loaded_state", None)
    was_public = not created and (loaded is None or _is_public_article_state(*loaded))
    # Drafts and articles in review are invisible: editing them changes no public page.
    if was_public or _is_public_article_state(instance.status, instance.published_at):
        invalidate_public_pages()
    instance._page_cache_loaded_state = (instance.status, instance.published_at)


def _attachment_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    article = getattr(instance, "article", None) if instance.article_id else None
    try:
        public = article is not None and _is_public_article_state(article.status, article.published_at)
    except Exception:
        public = True
    if public or article is None:
        invalidate_public_pages()


def _content_changed(sender, raw=False, **kwargs):
    if raw:
        return
    model_name = sender._meta.model_name
    if sender._meta.app_label in settings.PAGE_CACHE_APPS and not model_name.startswith("historical"):
        invalidate_public_pages()


def connect_signals() -> None:
    from news.models import Article, Attachment

    post_init.connect(_article_loaded, sender=Article, dispatch_uid="pagecache-article-init")
    post_save.connect(_article_changed, sender=Article, dispatch_uid="pagecache-article-save")
    post_delete.connect(_article_changed, sender=Article, dispatch_uid="pagecache-article-delete")
    post_save.connect(_attachment_changed, sender=Attachment, dispatch_uid="pagecache-attachment-save")
    post_delete.connect(_attachment_changed, sender=Attachment, dispatch_uid="pagecache-attachment-delete")
    for signal, uid in ((post_save, "save"), (post_delete, "delete"), (m2m_changed, "m2m")):
        signal.connect(_any_model_changed, dispatch_uid=f"pagecache-any-{uid}")


def _any_model_changed(sender, **kwargs):
    from news.models import Article, Attachment

    if sender in (Article, Attachment):
        return  # handled above, precisely
    if kwargs.get("action", "post_") and not str(kwargs.get("action", "post_")).startswith("post_"):
        return  # m2m_changed: act once, after the change
    if getattr(sender, "_meta", None) is None:
        return
    from django.apps import apps

    try:
        # Data migrations save through historical models: no pages to drop, maybe no tables yet.
        if apps.get_model(sender._meta.label) is not sender:
            return
    except LookupError:
        return
    if sender._meta.auto_created:
        # The through table of an m2m (article ↔ counties): public if the article is.
        instance = kwargs.get("instance")
        if instance is not None and hasattr(instance, "status"):
            if not _is_public_article_state(instance.status, instance.published_at):
                return
        invalidate_public_pages()
        return
    _content_changed(sender, **kwargs)
