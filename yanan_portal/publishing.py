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


def may_preview(user, model) -> bool:
    """Staff who may view ``model`` in the admin also see its records that are not public yet
    (previews and their files); everyone else gets what ``published()`` allows."""
    opts = model._meta
    return user.is_active and user.is_staff and user.has_perm(f"{opts.app_label}.view_{opts.model_name}")


class Publishable:
    """For models with ``status`` and ``published_at`` fields and a ``PublishedQuerySet``."""

    @property
    def is_published(self) -> bool:
        return self.status == PUBLISHED and self.published_at is not None and self.published_at <= timezone.now()

    @property
    def is_scheduled(self) -> bool:
        return self.status == PUBLISHED and not self.is_published
