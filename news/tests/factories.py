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


# --- Publications library (issue 7) ---------------------------------------------------
from news.publications import Publication, PublicationStat, TableOfContentsEntry  # noqa: E402

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


class PublicationFactory(factory.django.DjangoModelFactory):
    """A published magazine issue with a PDF, an hour old, unless told otherwise."""

    class Meta:
        model = Publication

    kind = Publication.Kind.MAGAZINE
    title = factory.Sequence(lambda n: f"《延安老区建设》测试第{n}期")
    number = factory.Sequence(lambda n: n + 1)
    year = 2024
    month = 6
    summary = "测试简介"
    pdf = factory.django.FileField(filename="issue.pdf", data=MINIMAL_PDF)
    status = Publication.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))


class TableOfContentsEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TableOfContentsEntry

    publication = factory.SubFactory(PublicationFactory)
    title = factory.Sequence(lambda n: f"篇目{n}")
    author = "作者"
    page = factory.Sequence(lambda n: n + 1)


class PublicationStatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PublicationStat
        django_get_or_create = ["key"]

    key = "magazine-issues"
    label = "《延安老区建设》已出版"
    value = 63
    unit = "期"
    kind = Publication.Kind.MAGAZINE
