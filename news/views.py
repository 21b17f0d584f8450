import re

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from yanan_portal import protected_media
from yanan_portal.pagination import ElidedPageRangeMixin
from yanan_portal.publishing import may_preview

from . import search, selectors
from .models import Article, Attachment

# Crawlers and link-preview fetchers do not count as readers (see README, 浏览量).
_CRAWLER_UA = re.compile(
    r"bot|crawl|spider|slurp|baiduspider|yisouspider|sogou|bytespider|headless|preview|"
    r"curl|wget|python-requests|httpx|go-http-client|java/|okhttp|facebookexternalhit|"
    r"lighthouse|wrk|apachebench",
    re.IGNORECASE,
)


def is_crawler(request) -> bool:
    user_agent = request.headers.get("User-Agent", "")
    return not user_agent or bool(_CRAWLER_UA.search(user_agent))


def channel_crumbs(channel, *, current: bool) -> list[dict]:
    """Breadcrumb items below 网站首页: the parent channel, then the channel itself."""
    crumbs = []
    if channel.parent_id:
        crumbs.append({"name": channel.parent.name, "url": channel.parent.get_absolute_url()})
    crumbs.append({"name": channel.name, "url": None if current else channel.get_absolute_url()})
    return crumbs


class ChannelArticleListView(ElidedPageRangeMixin, ListView):
    """A channel's articles, newest first with pinned ones on top; a parent lists its children's too."""

    template_name = "news/channel_detail.html"
    context_object_name = "articles"

    def get_paginate_by(self, queryset):
        return settings.NEWS_PAGE_SIZE

    @cached_property
    def channel(self):
        # From the channels the navigation reads anyway (one query for both; perf, issue 9).
        channel = selectors.channel_tree(self.request).by_slug.get(self.kwargs["slug"])
        if channel is None:
            raise Http404("没有这个栏目")
        return channel

    @cached_property
    def subchannels(self):
        return selectors.channel_tree(self.request).children[(self.channel.parent or self.channel).id]

    def get_queryset(self):
        # Channels have two levels: a second-level channel has no children of its own.
        children = [] if self.channel.parent_id else self.subchannels
        return (
            Article.objects.published()
            .in_channel_tree(self.channel, children=children)
            .for_links(selectors.channel_tree(self.request).by_id)
            .order_by("-is_pinned", "-published_at", "-id")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        top = self.channel.parent or self.channel
        context.update(
            channel=self.channel,
            section=top,
            crumbs=channel_crumbs(self.channel, current=True),
            subchannels=self.subchannels,
        )
        return context


class ArticleDetailView(DetailView):
    context_object_name = "article"

    def get_queryset(self):
        # The search document is large and the page never shows it. The channel (with its
        # parent) comes from the channels the navigation reads anyway.
        return (
            Article.objects.published()
            .defer("search_text", "search_vector")
            .with_channels(selectors.channel_tree(self.request).by_id)
        )

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.channel.slug != kwargs["channel"]:
            # One address per article: an old or mistyped channel slug moves to the right one.
            return redirect(self.object, permanent=True)
        if not is_crawler(request):
            # Shown including this visit, as before; the count itself is made by
            # ArticleViewCounterMiddleware (below), in front of the page cache.
            self.object.views += 1
        context = self.get_context_data(object=self.object)
        response = self.render_to_response(context)
        # Counted by yanan_portal.cache.ArticleViewCounterMiddleware for cached copies too.
        response.article_view_pk = self.object.pk
        # The cached copy shows 浏览量 at most this many seconds late.
        response.page_cache_seconds = settings.PAGE_CACHE_ARTICLE_SECONDS
        changed = max(d for d in (self.object.updated_at, self.object.published_at) if d)
        response.headers["Last-Modified"] = http_date(changed.timestamp())
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        previous_article, next_article = selectors.neighbours(article, selectors.channel_tree(self.request).by_id)
        context.update(
            channel=article.channel,
            section=article.channel.parent or article.channel,
            attachments=list(article.attachments.all()),
            previous_article=previous_article,
            next_article=next_article,
            canonical_url=settings.SITE_URL + article.get_absolute_url(),
            crumbs=channel_crumbs(article.channel, current=False),
        )
        return context


# --- Search (issue 6) ---------------------------------------------------------------------

FILTER_LABELS = {"channel": "栏目", "year": "年份", "county": "县区", "programme": "品牌项目"}


class SearchView(ElidedPageRangeMixin, ListView):
    """/search/?q=…&channel=&year=&county=&programme=: published articles only, best first.

    Filters are plain links. A filter value that names nothing is ignored (the page still
    answers 200). So is a page number that is not one of the results' pages (an old shared
    link, a typed address): unlike a list, whose stale pages should leave search engines' indexes
    with a 404, a search is a reader's question, and it is answered with the nearest page and a
    note rather than lost.
    """

    template_name = "news/search.html"
    context_object_name = "articles"
    paginate_by = 10

    def get(self, request, *args, **kwargs):
        self.query = search.parse_query(request.GET.get("q", ""))
        self.facets = selectors.search_facets()
        self.filters = self._read_filters()
        return super().get(request, *args, **kwargs)

    def _read_filters(self) -> dict:
        get = self.request.GET
        filters = {}
        channels = {c.slug: c for c in self.facets["channels"]}
        if get.get("channel") in channels:
            filters["channel"] = channels[get["channel"]]
        if get.get("year", "").isascii() and get.get("year", "").isdigit() and int(get["year"]) in self.facets["years"]:
            filters["year"] = int(get["year"])
        counties = {c.slug: c for c in self.facets["counties"]}
        if get.get("county") in counties:
            filters["county"] = counties[get["county"]]
        programmes = {p.slug: p for p in self.facets["programmes"]}
        if get.get("programme") in programmes:
            filters["programme"] = programmes[get["programme"]]
        # A filter asked for but unknown (a hidden programme's old link, a year with no
        # articles, a mistyped address) is left out, and the page says so.
        self.ignored_filters = [label for name, label in FILTER_LABELS.items() if get.get(name) and name not in filters]
        return filters

    def get_queryset(self):
        articles = Article.objects.published().select_related("channel", "channel__parent").defer("body", "search_vector")
        if channel := self.filters.get("channel"):
            articles = articles.in_channel_tree(channel)
        if year := self.filters.get("year"):
            start, end = search.year_bounds(year)
            articles = articles.filter(published_at__gte=start, published_at__lt=end)
        if county := self.filters.get("county"):
            articles = articles.filter(counties=county)
        if programme := self.filters.get("programme"):
            articles = articles.filter(programmes=programme)
        found, self.total, self.capped = search.find_articles(self.query, articles)
        return found

    def get_paginator(self, *args, **kwargs):
        paginator = super().get_paginator(*args, **kwargs)
        paginator.__dict__["count"] = self.total  # Paginator.count is a cached_property
        return paginator

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(queryset, page_size)
        asked = self.request.GET.get(self.page_kwarg, "")
        shown = asked if len(asked) <= 20 else asked[:20] + "…"
        notice = ""
        try:
            page = paginator.page(asked or 1)
        except PageNotAnInteger:
            page = paginator.page(1)
            notice = _("网址中的页码“%(asked)s”无效,下面是第 1 页。") % {"asked": shown}
        except EmptyPage:
            # Below 1: the first page; beyond the last (fewer results now): the last.
            number = 1 if int(asked) < 1 else paginator.num_pages
            page = paginator.page(number)
            notice = _("搜索结果没有第 %(asked)s 页,下面是第 %(number)s 页。") % {"asked": shown, "number": number}
        # Said only above results: with no search or nothing found there is no page to speak of.
        self.page_notice = notice if self.query and paginator.count else ""
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.query
        page = context["page_obj"]
        results = [
            {
                "article": article,
                "title": search.highlight(article.title, query),
                "excerpt": search.highlight(search.excerpt_source(article.search_text), query, length=120),
            }
            for article in context["articles"]
        ]
        context.update(
            query=query,
            results=results,
            filters=self.filters,
            facets=self.facets,
            sources=search.search_sources(query) if page.number == 1 else [],
            suggestions=[(word, search.search_url(word)) for word in search.SUGGESTIONS],
            max_query_length=search.MAX_QUERY_LENGTH,
            capped=self.capped,
            ignored_filters=self.ignored_filters,
            page_notice=self.page_notice,
            crumbs=[{"name": "搜索", "url": None}],
        )
        return context


# --- Editorial workflow (issue 3): staff preview and attachment downloads -----------------


class ArticlePreviewView(ArticleDetailView):
    """预览: the exact public page of an article's saved text, whatever its state.

    Anyone but staff who may view articles gets the same 404 as for an unknown article,
    so the preview address reveals nothing."""

    def get_queryset(self):
        return Article.objects.select_related("channel", "channel__parent")

    def get(self, request, *args, **kwargs):
        if not may_preview(request.user, Article):
            raise Http404
        self.object = self.get_object()
        response = self.render_to_response(self.get_context_data(object=self.object))
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Cache-Control"] = "no-cache, no-store, must-revalidate, private"
        return response

    def get_context_data(self, **kwargs):
        if self.object.published_at is None:
            # 上一篇/下一篇 compare publish times; a draft has none yet.
            self.object.published_at = timezone.now()
            context = super().get_context_data(**kwargs)
            self.object.published_at = None
        else:
            context = super().get_context_data(**kwargs)
        context["preview"] = True
        return context


ATTACHMENT_CONTENT_TYPES = {
    "PDF": "application/pdf",
    "DOC": "application/msword",
    "DOCX": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "XLS": "application/vnd.ms-excel",
    "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "PPT": "application/vnd.ms-powerpoint",
    "PPTX": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "ZIP": "application/zip",
}


def attachment_download(request, pk):
    """An attachment as a download with its real type and original name; only for
    published articles (and for staff previewing an unpublished one)."""
    attachments = Attachment.objects.select_related("article")
    if not may_preview(request.user, Article):
        attachments = attachments.filter(article__in=Article.objects.published())
    attachment = get_object_or_404(attachments, pk=pk)
    kind = attachment.kind.upper()
    filename = attachment.name
    if kind and not filename.upper().endswith("." + kind):
        filename = f"{filename}.{kind.lower()}"
    return protected_media.file_response(
        attachment.file,
        filename=filename,
        content_type=ATTACHMENT_CONTENT_TYPES.get(kind, "application/octet-stream"),
        as_attachment=True,
        public=attachment.article.is_published,
    )


# --- end editorial workflow ------------------------------------------------------------------
