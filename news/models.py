import functools

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField
from simple_history.models import HistoricalRecords

from yanan_portal import protected_media
from yanan_portal.dates import date_in_range_constraint, validate_date_in_range
from yanan_portal.publishing import Publishable, PublishedQuerySet
from yanan_portal.richtext import RICH_TEXT_CONFIG, sanitize_html
from yanan_portal.uploads import UnguessableName, image_field, validate_attachment

from .search_index import SearchDocumentField, build_document, html_to_text


# news/urls.py routes these before the channel pattern, so a channel could never use them.
RESERVED_CHANNEL_SLUGS = {"preview", "attachments"}


@functools.lru_cache(maxsize=1024)
def _channel_path(script_prefix: str, slug: str) -> str:
    """A channel's address: reverse() once per slug (and per script prefix, which reverse()
    reads from the request's SCRIPT_NAME), not on every link of every page."""
    return reverse("news:channel", kwargs={"slug": slug})


class Channel(models.Model):
    """A 栏目: at most two levels, e.g. 组织建设 or 工作动态 / 县区动态."""

    name = models.CharField(_("名称"), max_length=50)
    slug = models.SlugField(
        _("网址标识"),
        max_length=50,
        unique=True,
        help_text=_("英文小写字母、数字或连字符,用在网址中,例如 org 或 notices。发布后请勿修改。"),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级栏目"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        limit_choices_to={"parent__isnull": True},
        help_text=_("留空为一级栏目。栏目最多两级。"),
    )
    description = models.CharField(_("栏目说明"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0, help_text=_("数字小的排在前面。"))
    show_in_nav = models.BooleanField(_("显示在导航中"), default=True)

    class Meta:
        verbose_name = _("栏目")
        verbose_name_plural = _("栏目")
        ordering = ["order", "id"]
        indexes = [models.Index(fields=["order", "id"], name="channel_order_idx")]

    def __str__(self):
        return f"{self.parent.name} / {self.name}" if self.parent_id and self.parent else self.name

    def get_absolute_url(self):
        return _channel_path(get_script_prefix(), self.slug)

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.slug in RESERVED_CHANNEL_SLUGS:
            raise ValidationError({"slug": _("“%(slug)s”已被网站占用,请换一个网址标识。") % {"slug": self.slug}})
        if self.parent_id:
            if self.parent_id == self.pk:
                raise ValidationError({"parent": _("栏目不能以自己为上级。")})
            if self.parent.parent_id:
                raise ValidationError({"parent": _("栏目最多两级:上级栏目必须是一级栏目。")})
            if self.pk and self.children.exists():
                raise ValidationError({"parent": _("此栏目已有下级栏目,不能再成为其他栏目的下级。")})


# The article's text and its search document: large, and shown by no list or link. Reads
# for lists leave them out (here and wherever an article rides along, e.g. a figure's source).
LARGE_FIELDS = ("body", "search_text", "search_vector")


class ArticleQuerySet(PublishedQuerySet):

    def for_listing(self):
        """Columns and joins that article cards need, without the body."""
        return self.select_related("channel", "channel__parent").defer(*LARGE_FIELDS)

    def for_links(self, channels=None):
        """Only what a list of links shows (title, summary, date, 置顶, the channel's name and
        address) and the status, so that ``is_published`` needs no query: a third of the
        columns of ``for_listing``, which halves the home page's article reads in Python
        (perf, issue 9). Anything else read from these is a query.
        ``channels``: see ``with_channels``; without them the channel is joined.
        """
        columns = ("id", "title", "summary", "status", "published_at", "is_pinned", "channel_id")
        if channels is None:
            return self.select_related("channel").only(*columns, "channel__slug", "channel__name")
        return self.only(*columns).with_channels(channels)

    def with_channels(self, channels: dict):
        """Each article's channel taken from ``channels`` (by id): the channels the page has
        already read (``selectors.channel_tree``), instead of a join and a new Channel per
        article (perf, issue 9). A channel missing from them is read when first used."""
        queryset = self.all()
        # Django's own mechanism for objects known in advance (a related manager hands its
        # object to what it reads this way).
        queryset._known_related_objects = {
            **queryset._known_related_objects,
            self.model._meta.get_field("channel"): channels,
        }
        return queryset

    def in_channel_tree(self, channel, *, children=None):
        """Articles of ``channel`` and of its sub-channels.

        Pass ``children`` (the sub-channels, [] for a second-level channel) when they are
        known: a plain ``channel_id IN (…)`` lets PostgreSQL use article_channel_idx, where
        the OR across the join made it read every published article (perf, issue 9).
        """
        if children is not None:
            return self.filter(channel_id__in=[channel.pk, *(child.pk for child in children)])
        return self.filter(Q(channel=channel) | Q(channel__parent=channel))


class Article(Publishable, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        REVIEW = "review", _("待审核")
        PUBLISHED = "published", _("已发布")
        WITHDRAWN = "withdrawn", _("已撤回")

    title = models.CharField(_("标题"), max_length=200)
    channel = models.ForeignKey(
        Channel, verbose_name=_("栏目"), on_delete=models.PROTECT, related_name="articles"
    )
    summary = models.TextField(
        _("摘要"), max_length=500, blank=True, help_text=_("列表和分享卡片中显示,最多 500 字。")
    )
    body = ProseEditorField(_("正文"), config=RICH_TEXT_CONFIG, sanitize=sanitize_html, blank=True)
    cover = image_field(_("封面图片"), upload_to=UnguessableName("covers"))
    cover_alt = models.CharField(
        _("封面图片说明"), max_length=200, blank=True, help_text=_("为看不见图片的读者描述图片内容。")
    )
    author = models.CharField(_("作者"), max_length=100, blank=True)
    source = models.CharField(_("来源"), max_length=100, blank=True, default="延安市老促会")
    responsible_editor = models.CharField(_("责任编辑"), max_length=50, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        _("发布时间"),
        null=True,
        blank=True,
        validators=[validate_date_in_range],
        help_text=_("首次发布的时间;晚于现在即为定时发布。发布后不再改写。"),
    )
    content_updated_at = models.DateTimeField(
        _("更新时间"), null=True, blank=True, help_text=_("发布后内容再次修改的时间。")
    )
    is_headline = models.BooleanField(_("头条"), default=False)
    is_pinned = models.BooleanField(_("置顶"), default=False)
    views = models.PositiveIntegerField(_("浏览量"), default=0)
    counties = models.ManyToManyField(
        "members.CountyBranch", verbose_name=_("相关县区"), blank=True, related_name="articles"
    )
    programmes = models.ManyToManyField(
        "projects.Programme", verbose_name=_("相关项目"), blank=True, related_name="articles"
    )
    is_sample = models.BooleanField(
        _("示例数据"), default=False, help_text=_("演示用的示例文章,不是真实报道。")
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("最后修改人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发布人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # The search document (news/search_index.py), derived from the fields above on save.
    search_text = models.TextField(_("检索文本"), blank=True, editable=False)
    search_vector = SearchDocumentField(_("检索索引"))
    # --- Editorial workflow (issue 3) ------------------------------------------------
    # Optimistic lock: every admin save bumps it; a save based on an older number is
    # refused so that two staff never silently overwrite each other.
    version = models.PositiveIntegerField(_("版本号"), default=1, editable=False)
    review_comment = models.TextField(
        _("审核意见"), blank=True, editable=False, help_text=_("最近一次退回修改时审核人的意见。")
    )
    # Every save keeps a version (title, summary, body, channel, metadata) for 历史版本.
    history = HistoricalRecords(
        verbose_name=_("文章历史版本"),
        excluded_fields=["views", "version", "updated_at", "search_text", "search_vector"],
        m2m_fields=[],
    )
    # --- end editorial workflow ----------------------------------------------------------

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("文章")
        verbose_name_plural = _("文章")
        ordering = ["-published_at", "-id"]
        permissions = [
            ("publish_article", _("可以发布、定时发布、退回、撤回和重新发布文章")),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="article_public_idx"),
            models.Index(
                fields=["channel", "status", "-is_pinned", "-published_at", "-id"],
                name="article_channel_idx",
            ),
            models.Index(fields=["status", "is_headline", "-published_at"], name="article_headline_idx"),
            # A parent channel's list (several channel ids) reads this index in list order and
            # stops after one page, instead of sorting the whole channel tree.
            models.Index(fields=["status", "-is_pinned", "-published_at", "-id"], name="article_list_order_idx"),
            # 上一篇/下一篇 of an article page: a range read from the article (perf, issue 9).
            models.Index(fields=["channel", "status", "published_at", "id"], name="article_sibling_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="article_published_has_time",
            ),
            date_in_range_constraint("published_at", "article_published_at_year_range"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        # What reverse("news:article", …) gives (a test holds them together): an article
        # lives under its channel. reverse() on every link of a list was a tenth of the
        # page's time (perf, issue 9).
        return f"{self.channel.get_absolute_url()}{self.pk}/"

    def save(self, *args, **kwargs):
        # The pre_save hook (yanan_portal.richtext) cleans every rich-text field, but the search
        # document is derived here, before it runs: index the cleaned text, not what was pasted.
        self.body = sanitize_html(self.body)
        self.update_search_document()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & SEARCHED_FIELDS:
            kwargs["update_fields"] = {*update_fields, "search_text", "search_vector"}
        super().save(*args, **kwargs)

    def search_tags(self) -> list[str]:
        """Channel, county and programme names, so that 宝塔区 finds an article tagged with it.

        Counties and programmes are read from the database: the admin sets them after
        ``save()``, and ``news.search.reindex_article`` runs again once they are saved.
        """
        tags = []
        if self.channel_id:
            tags.append(self.channel.name)
        if self.pk:
            tags += [name for name in self.counties.values_list("name", flat=True)]
            tags += [name for name in self.programmes.values_list("name", flat=True)]
        return tags

    def update_search_document(self, *, tags: list[str] | None = None) -> None:
        """Derive ``search_text`` and ``search_vector`` from the content (no database write)."""
        self.search_text, self.search_vector = build_document(
            title=self.title,
            summary=self.summary,
            body_text=html_to_text(self.body),
            tags=self.search_tags() if tags is None else tags,
        )

    def get_status_display_full(self) -> str:
        return _("定时发布") if self.is_scheduled else self.get_status_display()

    def count_view(self) -> None:
        """One atomic ``UPDATE … SET views = views + 1``: parallel readers lose nothing."""
        Article.objects.filter(pk=self.pk).update(views=F("views") + 1)


# Saving any of these with ``update_fields`` also saves the search document.
SEARCHED_FIELDS = {"title", "summary", "body", "channel", "channel_id"}


class Attachment(models.Model):
    article = models.ForeignKey(
        Article, verbose_name=_("文章"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = protected_media.ProtectedFileField(
        _("文件"),
        upload_to="attachments/%Y/%m/",
        validators=[validate_attachment],
        help_text=_("PDF、Word、Excel、PowerPoint 或 ZIP,不超过 50 MB。"),
    )
    name = models.CharField(
        _("显示名称"), max_length=200, blank=True, help_text=_("留空则使用上传时的文件名。")
    )
    size = models.PositiveBigIntegerField(_("大小(字节)"), default=0, editable=False)
    kind = models.CharField(_("类型"), max_length=10, blank=True, editable=False)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    # Kept so that an article recovered from the recycle bin gets its attachments back.
    history = HistoricalRecords(verbose_name=_("附件历史版本"))

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("news:attachment", kwargs={"pk": self.pk})

    def save(self, *args, **kwargs):
        if self.file:
            if not self.name:
                self.name = getattr(self.file, "original_name", None) or self.file.name.rsplit("/", 1)[-1]
            self.size = self.file.size
            self.kind = self.file.name.rsplit(".", 1)[-1].upper() if "." in self.file.name else ""
        super().save(*args, **kwargs)


# --- Editorial workflow (issue 3) ----------------------------------------------------------


class ArticleEvent(models.Model):
    """One line of an article's 审核记录: who moved it from which state to which, and why."""

    class Action(models.TextChoices):
        CREATE = "create", _("创建")
        SUBMIT = "submit", _("提交审核")
        PUBLISH = "publish", _("发布")
        SCHEDULE = "schedule", _("定时发布")
        SEND_BACK = "send_back", _("退回修改")
        WITHDRAW = "withdraw", _("撤回")
        REPUBLISH = "republish", _("重新发布")
        EDIT_PUBLISHED = "edit_published", _("修改已发布文章")
        RESTORE_VERSION = "restore_version", _("恢复历史版本")
        DELETE = "delete", _("删除")
        RECOVER = "recover", _("从回收站恢复")

    # No database constraint: the record outlives a deleted article, so that the trail
    # is still there when an administrator recovers it from the recycle bin.
    article = models.ForeignKey(
        Article,
        verbose_name=_("文章"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="events",
    )
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    from_status = models.CharField(_("原状态"), max_length=10, choices=Article.Status.choices, blank=True)
    to_status = models.CharField(_("新状态"), max_length=10, choices=Article.Status.choices, blank=True)
    comment = models.TextField(_("意见"), blank=True)
    publish_time = models.DateTimeField(_("发布时间"), null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    # The name as it was, should the account later be removed.
    actor_name = models.CharField(_("操作人姓名"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("审核记录")
        verbose_name_plural = _("审核记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["article", "-created_at"], name="articleevent_article_idx")]

    def __str__(self):
        return f"{self.get_action_display()} · {self.actor_name}"


# --- end editorial workflow ----------------------------------------------------------------


# --- Publications library (issue 7): models in news/publications.py ------------------
from .publications import Publication, PublicationStat, TableOfContentsEntry  # noqa: E402, F401
