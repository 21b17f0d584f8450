"""The one publication rule, shared by every model the public reads (articles, publications).

A record is public when its status is "published" and its publish time has come; a future time
is a scheduled publication that appears by itself. ``published()`` is the rule in SQL and
``is_published`` its Python twin; the tests keep the two in step.
"""

from django.db import models
from django.utils import timezone

PUBLISHED = "published"


class PublishedQuerySet(models.QuerySet):
    def published(self):
        """Published, and its time has come. Every public list, page, feed, sitemap and search."""
        return self.filter(status=PUBLISHED, published_at__lte=timezone.now())


class Publishable:
    """For models with ``status`` and ``published_at`` fields and a ``PublishedQuerySet``."""

    @property
    def is_published(self) -> bool:
        return self.status == PUBLISHED and self.published_at is not None and self.published_at <= timezone.now()

    @property
    def is_scheduled(self) -> bool:
        return self.status == PUBLISHED and not self.is_published
