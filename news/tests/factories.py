from datetime import timedelta

import factory
from django.utils import timezone

from news.models import Article, Attachment, Channel


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"栏目{n}")
    slug = factory.Sequence(lambda n: f"channel-{n}")


class ArticleFactory(factory.django.DjangoModelFactory):
    """A published article, an hour old, unless told otherwise."""

    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"测试文章{n}")
    channel = factory.SubFactory(ChannelFactory)
    summary = "摘要"
    body = "<p>正文</p>"
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    responsible_editor = "李韵"


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attachment

    article = factory.SubFactory(ArticleFactory)
    file = factory.django.FileField(filename="通知.pdf", data=b"%PDF-1.4\n%test\n")
    name = "通知.pdf"
