"""The publications library: the magazine 《延安老区建设》, research reports, compilations
and the county histories, with their tables of contents and the library's headline figures.

The models live in the news app (the client fixed the top-level layout) and are imported
into ``news.models`` so that Django and migrations see them there.
"""

import io
import uuid
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from PIL import Image

from yanan_portal import protected_media
from yanan_portal.dates import date_in_range_constraint, validate_date_in_range
from yanan_portal.publishing import Publishable, PublishedQuerySet
from yanan_portal.uploads import ATTACHMENT_KINDS, UnguessableName, image_field, size_and_limit

# Scanned magazine issues are larger than ordinary attachments (50 MB).
PDF_MAX_BYTES = 100 * 1024 * 1024
PDF_SIGNATURE = ATTACHMENT_KINDS["pdf"][0]
# A PDF ends with %%EOF; a little trailing garbage after it is common, so look at the tail.
PDF_TAIL_BYTES = 2048
COVER_THUMB_WIDTH = 320
# Newest first; a missing month or number sorts after the known ones on every database
# (PostgreSQL would otherwise put NULLs first in a descending order, SQLite last).
NEWEST_FIRST = [
    models.F("year").desc(),
    models.F("month").desc(nulls_last=True),
    models.F("number").desc(nulls_last=True),
    models.F("id").desc(),
]


def validate_pdf(upload) -> None:
    """Accept only a complete PDF, judged by its content as yanan_portal.uploads does."""
    if not upload:
        return
    if getattr(upload, "_committed", False):
        # A file already stored was checked when it was uploaded; re-reading it on every
        # save of the form would also fail loudly if the storage were briefly unavailable.
        return
    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith(".pdf"):
        raise ValidationError(_gettext("只能上传 PDF 文件(扩展名为 .pdf)。"), code="extension")
    if upload.size == 0:
        raise ValidationError(_gettext("文件是空的,请重新选择 PDF 文件。"), code="empty")
    if upload.size > PDF_MAX_BYTES:
        raise ValidationError(
            _gettext("PDF 文件太大(%(size)s),请不要超过 %(limit)s。")
            % size_and_limit(upload.size, PDF_MAX_BYTES),
            code="too_large",
        )
    try:
        upload.seek(0)
        head = upload.read(len(PDF_SIGNATURE))
        upload.seek(max(0, upload.size - PDF_TAIL_BYTES))
        tail = upload.read()
    finally:
        upload.seek(0)
    if head != PDF_SIGNATURE:
        raise ValidationError(
            _gettext("这不是 PDF 文件:文件内容与扩展名 .pdf 不符,可能是网页或其他文件改了名,已拒绝。"),
            code="signature",
        )
    if b"%%EOF" not in tail:
        raise ValidationError(
            _gettext("PDF 文件不完整(可能上传或复制时中断),请重新上传完整的文件。"), code="truncated"
        )


def _pdf_path(instance, filename: str) -> str:
    # A random folder: until nginx checks the publication rule for media files, the
    # address of an unpublished PDF must not be guessable from its title or date.
    return f"publications/pdf/{uuid.uuid4().hex}/{PurePosixPath(filename).name}"


def _cover_path(instance, filename: str) -> str:
    # As every other picture's (the migrations name this function): no trace of the name the
    # scan had on someone's computer. Covers uploaded in the admin go through the photo
    # pipeline (PublicationAdmin.photo_folders) and arrive here already renamed and cleaned.
    return UnguessableName("publications/covers")(instance, filename)


class PublicationQuerySet(PublishedQuerySet):
    def for_listing(self):
        return self.defer("summary")

    def newest_first(self):
        return self.order_by(*NEWEST_FIRST)


class Publication(Publishable, models.Model):
    """One printed work of the association: a magazine issue, a report, a volume, a county history."""

    class Kind(models.TextChoices):
        MAGAZINE = "magazine", _("期刊")
        REPORT = "report", _("调研报告")
        COMPILATION = "compilation", _("汇编")
        COUNTY_HISTORY = "county-history", _("县史")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        WITHDRAWN = "withdrawn", _("已撤回")

    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, default=Kind.MAGAZINE)
    title = models.CharField(
        _("标题"), max_length=200, help_text=_("例如《延安老区建设》2024年第3期、《调研报告》第16卷。")
    )
    number = models.PositiveIntegerField(
        _("期号或卷次"),
        null=True,
        blank=True,
        help_text=_("期刊填总期号(总第几期),汇编填卷次;没有可留空。"),
    )
    year = models.PositiveSmallIntegerField(
        _("年份"),
        validators=[MinValueValidator(1900), MaxValueValidator(2100)],
        help_text=_("出版或印发的年份,例如 2024。"),
    )
    month = models.PositiveSmallIntegerField(
        _("月份"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("1–12,可留空。"),
    )
    publisher = models.CharField(
        _("编印单位"), max_length=200, blank=True, default="延安市老区建设促进会"
    )
    summary = models.TextField(_("内容简介"), max_length=2000, blank=True)
    cover = image_field(
        _("封面图片"), upload_to=_cover_path, help_text=_("JPEG、PNG、WebP 或 GIF,不超过 20 MB。网站自动生成缩略图。")
    )
    cover_alt = models.CharField(
        _("封面图片说明"),
        max_length=200,
        blank=True,
        help_text=_("为看不见图片的读者描述封面;留空时使用“标题 封面”。"),
    )
    cover_thumb = models.ImageField(_("封面缩略图"), upload_to="publications/thumbs/", blank=True, editable=False)
    cover_thumb_width = models.PositiveSmallIntegerField(default=0, editable=False)
    cover_thumb_height = models.PositiveSmallIntegerField(default=0, editable=False)
    pdf = protected_media.ProtectedFileField(
        _("PDF 文件"),
        url_method="get_read_url",
        upload_to=_pdf_path,
        blank=True,
        validators=[validate_pdf],
        help_text=_("只接受 PDF,不超过 100 MB;系统会检查文件内容,改了扩展名的文件会被拒绝。"),
    )
    pdf_size = models.PositiveBigIntegerField(_("PDF 大小(字节)"), default=0, editable=False)
    rating = models.CharField(
        _("评价"), max_length=50, blank=True, help_text=_("例如“优秀调研报告”“全国获奖”,没有可留空。")
    )
    counties = models.ManyToManyField(
        "members.CountyBranch", verbose_name=_("相关县区"), blank=True, related_name="publications"
    )
    programmes = models.ManyToManyField(
        "projects.Programme", verbose_name=_("相关项目"), blank=True, related_name="publications"
    )
    related_articles = models.ManyToManyField(
        "news.Article",
        verbose_name=_("相关文章"),
        blank=True,
        related_name="related_publications",
        help_text=_("在出版物页面下方列出;只显示已发布的文章。"),
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(
        _("发布时间"),
        null=True,
        blank=True,
        validators=[validate_date_in_range],
        help_text=_("在网站上公开的时间;晚于现在即为定时发布。"),
    )
    is_sample = models.BooleanField(
        _("示例数据"), default=False, help_text=_("演示用的示例出版物,内容不是真实资料。")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("出版物")
        verbose_name_plural = _("出版物")
        ordering = NEWEST_FIRST
        indexes = [
            models.Index(fields=["status", "kind", "-year", "-month", "-number", "-id"], name="publication_public_idx"),
            models.Index(fields=["-year", "-month", "-number", "-id"], name="publication_order_idx"),
        ]
        constraints = [
            date_in_range_constraint("published_at", "publication_published_at_year_range"),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="publication_published_has_time",
                violation_error_message=_("已发布的出版物必须有发布时间。"),
            ),
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12),
                name="publication_month_range",
                violation_error_message=_("月份应在 1 到 12 之间。"),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=1900, year__lte=2100),
                name="publication_year_range",
                violation_error_message=_("年份应在 1900 到 2100 之间。"),
            ),
            # The import command and the demo find a publication again by kind and title.
            models.UniqueConstraint(
                fields=["kind", "title"],
                name="publication_unique_kind_title",
                violation_error_message=_("同一类别中已有同名的出版物。"),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("publications:detail", kwargs={"pk": self.pk})

    def get_read_url(self):
        return reverse("publications:read", kwargs={"pk": self.pk})

    def get_download_url(self):
        return reverse("publications:download", kwargs={"pk": self.pk})

    @property
    def number_label(self) -> str:
        if self.number is None:
            return ""
        if self.kind == self.Kind.MAGAZINE:
            return _gettext("总第 %(n)s 期") % {"n": self.number}
        return _gettext("第 %(n)s 卷") % {"n": self.number}

    @property
    def date_label(self) -> str:
        return f"{self.year}年{self.month}月" if self.month else f"{self.year}年"

    @property
    def alt_text(self) -> str:
        return self.cover_alt or _gettext("%(title)s 封面") % {"title": self.title}

    @property
    def pdf_filename(self) -> str:
        """The name a reader's browser saves the PDF under: the title, not the storage name."""
        name = self.title.replace("《", "").replace("》", "").strip()
        return f"{name}.pdf".replace("/", "-").replace("\\", "-")

    def clean(self):
        if self.status == self.Status.PUBLISHED and not self.published_at:
            self.published_at = timezone.now()

    def save(self, *args, **kwargs):
        # Derived fields only: the PDF's size and the cover's thumbnail.
        if not self.pdf:
            self.pdf_size = 0
        elif not self.pdf._committed or not self.pdf_size:
            self.pdf_size = self.pdf.size
        if self.cover:
            if not self.cover._committed:
                # Store the cover under its final name first: the thumbnail is named after it.
                self.cover.save(PurePosixPath(self.cover.name).name, self.cover.file, save=False)
            if not self.cover_thumb or PurePosixPath(self.cover_thumb.name).stem != self._thumb_stem():
                self._make_thumbnail()
        elif self.cover_thumb:
            self.cover_thumb = None
            self.cover_thumb_width = self.cover_thumb_height = 0
        super().save(*args, **kwargs)

    def _thumb_stem(self) -> str:
        return f"{PurePosixPath(self.cover.name).stem}-w{COVER_THUMB_WIDTH}"

    def _make_thumbnail(self) -> None:
        """A small JPEG for the shelf, so a phone does not load the full-size scans."""
        self.cover.open("rb")
        try:
            with Image.open(self.cover) as image:
                image = image.convert("RGB")
                image.thumbnail((COVER_THUMB_WIDTH, COVER_THUMB_WIDTH * 2))
                buffer = io.BytesIO()
                image.save(buffer, format="JPEG", quality=82, optimize=True)
                width, height = image.size
        finally:
            self.cover.seek(0)
        self.cover_thumb.save(f"{self._thumb_stem()}.jpg", ContentFile(buffer.getvalue()), save=False)
        self.cover_thumb_width, self.cover_thumb_height = width, height


class TableOfContentsEntry(models.Model):
    """One line of a publication's table of contents (目录)."""

    publication = models.ForeignKey(
        Publication, verbose_name=_("出版物"), on_delete=models.CASCADE, related_name="toc_entries"
    )
    title = models.CharField(_("篇目"), max_length=200)
    author = models.CharField(_("作者"), max_length=100, blank=True)
    page = models.PositiveSmallIntegerField(_("页码"), null=True, blank=True)
    article = models.ForeignKey(
        "news.Article",
        verbose_name=_("网站文章"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="toc_entries",
        help_text=_("如果本篇也在网站上发表,选中它,目录中会链接过去(只链接已发布的文章)。"),
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("目录条目")
        verbose_name_plural = _("目录")
        ordering = ["publication", "order", "page", "id"]
        indexes = [models.Index(fields=["publication", "order", "page", "id"], name="toc_order_idx")]

    def __str__(self):
        return self.title


class PublicationStat(models.Model):
    """An editable headline figure of the library, e.g. 《延安老区建设》 63 期, 7.56 万册."""

    key = models.SlugField(
        _("标识"), max_length=50, unique=True, help_text=_("程序使用的英文标识,例如 magazine-issues。")
    )
    label = models.CharField(_("名称"), max_length=50, help_text=_("例如“《延安老区建设》期数”。"))
    value = models.PositiveIntegerField(_("数值"))
    unit = models.CharField(_("单位"), max_length=10, blank=True, help_text=_("例如 期、册、篇、卷。"))
    kind = models.CharField(
        _("所属类别"),
        max_length=20,
        choices=Publication.Kind.choices,
        blank=True,
        help_text=_("在出版物首页该类别的栏目中显示;留空只在概况中显示。"),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("出版物统计数字")
        verbose_name_plural = _("出版物统计数字")
        ordering = ["order", "id"]

    def __str__(self):
        return f"{self.label}:{self.value}{self.unit}"
