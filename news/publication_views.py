"""Public pages of the publications library, mounted at /publications/."""

import re

from django.conf import settings
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import DetailView, ListView, TemplateView

from members.models import CountyBranch
from projects.models import Programme
from yanan_portal import protected_media
from yanan_portal.pagination import ElidedPageRangeMixin
from yanan_portal.publishing import may_preview

from . import publication_selectors as selectors
from .publications import Publication

LIBRARY_NAME = "出版物"
PAGE_SIZE = 20
SHELF_SIZE = 24
_YEAR = re.compile(r"[12][0-9]{3}")


def library_crumbs(*more: dict) -> list[dict]:
    return [{"name": LIBRARY_NAME, "url": reverse("publications:index") if more else None}, *more]


class PublicationFilterMixin:
    """Reads ?kind= ?year= ?county= ?programme=; a value that names nothing is a 404.

    The filter links are the only way to these addresses, so an unknown value is a
    mistyped or stale link: a 404 says so, where silently ignoring it would show a list
    that does not match the address.
    """

    @cached_property
    def counties(self) -> list[CountyBranch]:
        return list(CountyBranch.objects.all())

    @cached_property
    def programmes(self) -> list[Programme]:
        return list(Programme.objects.visible())

    @cached_property
    def filters(self) -> dict:
        params = self.request.GET
        kind = params.get("kind") or None
        if kind is not None and kind not in Publication.Kind.values:
            raise Http404("unknown kind")
        year = params.get("year") or None
        if year is not None:
            if not _YEAR.fullmatch(year):
                raise Http404("bad year")
            year = int(year)
        county = self._find(self.counties, params.get("county"))
        programme = self._find(self.programmes, params.get("programme"))
        return {"kind": kind, "year": year, "county": county, "programme": programme}

    @staticmethod
    def _find(objects, slug):
        if not slug:
            return None
        for obj in objects:
            if obj.slug == slug:
                return obj
        raise Http404("unknown filter value")

    def filter_context(self) -> dict:
        filters = self.filters
        return {
            "filters": filters,
            "is_filtered": any(value is not None for value in filters.values()),
            "kinds": Publication.Kind.choices,
            "years": selectors.published_years(),
            "counties": self.counties,
            "programmes": self.programmes,
        }


class PublicationIndexView(PublicationFilterMixin, ElidedPageRangeMixin, ListView):
    """Without a kind: one section per kind (newest first). With a kind: that kind, paginated."""

    template_name = "news/publication_list.html"
    context_object_name = "publications"

    page_size = PAGE_SIZE

    def get_paginate_by(self, queryset):
        return self.page_size if self.filters["kind"] else None

    def get_queryset(self):
        queryset = selectors.filtered(**self.filters)
        if not self.filters["kind"]:
            # The sections are read by sections_by_kind; this queryset is only its source.
            return queryset
        return queryset.for_listing().newest_first()

    def get_context_data(self, **kwargs):
        if not self.filters["kind"]:
            # No page of rows to cut: ListView would otherwise evaluate the whole queryset.
            kwargs["object_list"] = Publication.objects.none()
        context = super().get_context_data(**kwargs)
        kind = self.filters["kind"]
        context.update(self.filter_context())
        if kind:
            label = Publication.Kind(kind).label
            context.update(
                heading=label,
                crumbs=library_crumbs({"name": label, "url": None}),
                stats=selectors.stats(kind=kind),
            )
        else:
            context.update(
                heading=LIBRARY_NAME,
                crumbs=library_crumbs(),
                sections=selectors.sections_by_kind(self.object_list),
                stats=selectors.stats(),
            )
        return context


class PublicationDetailView(DetailView):
    context_object_name = "publication"

    def get_queryset(self):
        return Publication.objects.published().prefetch_related(
            "counties", Prefetch("programmes", queryset=Programme.objects.visible())
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        publication = self.object
        context.update(
            toc=selectors.toc_entries(publication),
            related_articles=selectors.related_articles(publication),
            related_publications=selectors.related_publications(publication),
            canonical_url=settings.SITE_URL + publication.get_absolute_url(),
            crumbs=library_crumbs(
                {
                    "name": publication.get_kind_display(),
                    "url": reverse("publications:index") + f"?kind={publication.kind}",
                },
                {"name": publication.title, "url": None},
            ),
        )
        return context


def _pdf_response(request, pk: int, *, as_attachment: bool) -> HttpResponse:
    publications = Publication.objects.only("title", "pdf", "status", "published_at")
    if not may_preview(request.user, Publication):
        # Staff open the PDF of one not yet published from the admin; everyone else gets 404.
        publications = publications.published()
    publication = get_object_or_404(publications, pk=pk)
    response = protected_media.file_response(
        publication.pdf,
        filename=publication.pdf_filename,
        content_type="application/pdf",
        as_attachment=as_attachment,
        public=publication.is_published,
    )
    # A PDF is not a page of the site: keep it out of search engines' duplicate results.
    response["X-Robots-Tag"] = "noindex"
    return response


def read_pdf(request, pk: int):
    """The PDF inline, for the browser's own viewer (no third-party viewer)."""
    return _pdf_response(request, pk, as_attachment=False)


def download_pdf(request, pk: int):
    return _pdf_response(request, pk, as_attachment=True)


class MagazineShelfView(ElidedPageRangeMixin, ListView):
    """《延安老区建设》 as a shelf of covers."""

    template_name = "news/publication_shelf.html"
    context_object_name = "publications"

    paginate_by = SHELF_SIZE

    def get_queryset(self):
        return selectors.magazine_shelf()

    def get_context_data(self, **kwargs):
        label = Publication.Kind.MAGAZINE.label
        return super().get_context_data(
            crumbs=library_crumbs({"name": label, "url": None}),
            stats=selectors.stats(kind=Publication.Kind.MAGAZINE),
            list_url=reverse("publications:index") + f"?kind={Publication.Kind.MAGAZINE}",
            **kwargs,
        )


class ArchiveIndexView(TemplateView):
    template_name = "news/publication_archive_index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            years=selectors.published_years(),
            crumbs=library_crumbs({"name": "按年份", "url": None}),
            **kwargs,
        )


class YearArchiveView(ListView):
    """Everything published for one year, grouped by kind."""

    template_name = "news/publication_archive_year.html"
    context_object_name = "publications"

    def get_queryset(self):
        kind_rank = {kind: index for index, kind in enumerate(selectors.KIND_ORDER)}
        publications = list(
            Publication.objects.published().filter(year=self.kwargs["year"]).for_listing().newest_first()
        )
        if not publications:
            raise Http404("no publications that year")
        return sorted(publications, key=lambda p: kind_rank[p.kind])

    def get_context_data(self, **kwargs):
        year = self.kwargs["year"]
        return super().get_context_data(
            year=year,
            years=selectors.published_years(),
            crumbs=library_crumbs(
                {"name": "按年份", "url": reverse("publications:archive")}, {"name": f"{year}年", "url": None}
            ),
            **kwargs,
        )
