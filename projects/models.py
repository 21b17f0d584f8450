from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

from yanan_portal.dates import YEAR_MAX, YEAR_MIN, validate_date_in_range
from yanan_portal.richtext import RICH_TEXT_CONFIG, sanitize_html
from yanan_portal.uploads import UnguessableName, image_field

YEAR_VALIDATORS = [MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]

SAMPLE_HELP = _("演示用的示例数据(插值或虚构),网站上标注“示例”,不作为事实展示。真实数据请勿勾选。")


def _year_range(field: str) -> Q:
    return Q(**{f"{field}__gte": YEAR_MIN, f"{field}__lte": YEAR_MAX})


class ProgrammeQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(is_active=True)


class Programme(models.Model):
    """A flagship programme (品牌项目) such as 延安海员培训."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    slug = models.SlugField(
        _("网址标识"), max_length=50, unique=True, help_text=_("英文小写字母和连字符,例如 seafarers。")
    )
    summary = models.CharField(_("一句话简介"), max_length=200, blank=True)
    body = ProseEditorField(_("项目介绍"), config=RICH_TEXT_CONFIG, sanitize=sanitize_html, blank=True)
    start_year = models.PositiveSmallIntegerField(
        _("开始年份"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    partners = models.TextField(
        _("合作单位"), blank=True, help_text=_("每行一个单位,例如“天津海事局”。")
    )
    partner_units = models.ManyToManyField(
        "members.CouncilUnit",
        verbose_name=_("合作的理事单位"),
        blank=True,
        related_name="programmes",
        help_text=_("合作单位中属于本会理事单位的,在这里选出,页面上会链接到理事单位名录。"),
    )
    hero_image = image_field(_("题图"), upload_to=UnguessableName("programmes"))
    hero_alt = models.CharField(
        _("题图说明"), max_length=200, blank=True, help_text=_("为看不见图片的读者描述图片内容。")
    )
    headline_measure = models.CharField(
        _("卡片指标"),
        max_length=50,
        blank=True,
        help_text=_("首页和项目列表卡片上显示的指标名称,例如“累计培训海员”;取该指标最新年份的数据。留空则取最新的一条数据。"),
    )
    goal = models.PositiveIntegerField(
        _("目标数量"),
        null=True,
        blank=True,
        help_text=_("例如红色书社计划建成 100 个。填写后,项目页用进度条显示已建成的书社数与目标的比例。"),
    )
    goal_label = models.CharField(
        _("目标说明"), max_length=100, blank=True, help_text=_("例如“计划5年建成100个书社”。")
    )
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("在网站上显示"), default=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("品牌项目")
        verbose_name_plural = _("品牌项目")
        ordering = ["order", "id"]
        indexes = [models.Index(fields=["order", "id"], name="programme_order_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:programme", kwargs={"slug": self.slug})

    @property
    def partner_list(self) -> list[str]:
        return [line.strip() for line in self.partners.splitlines() if line.strip()]


class Figure(models.Model):
    """One measured value of a programme for one year, e.g. 累计培训海员 6000+ 人 in 2024."""

    class Unit(models.TextChoices):
        PERSON = "人", _("人")
        PERSON_TIMES = "人次", _("人次")
        PERCENT = "%", _("%")
        MU = "亩", _("亩")
        KIND = "种", _("种")
        COUNT = "个", _("个")
        PLACE = "处", _("处")
        BOOKS = "册", _("册")
        TEN_THOUSAND_YUAN = "万元", _("万元")

    programme = models.ForeignKey(
        Programme, verbose_name=_("品牌项目"), on_delete=models.CASCADE, related_name="figures"
    )
    measure = models.CharField(
        _("指标"), max_length=50, help_text=_("例如 累计培训海员、就业率、示范面积、示范产品数、书社数量、捐资金额。同一指标请用同一写法。")
    )
    unit = models.CharField(_("单位"), max_length=10, choices=Unit.choices)
    year = models.PositiveSmallIntegerField(_("年份"), validators=YEAR_VALIDATORS)
    value = models.DecimalField(
        _("数值"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    at_least = models.BooleanField(
        _("“余/以上”"), default=False, help_text=_("原文为“6000余人”“200万元以上”时勾选,显示为 6,000+。")
    )
    is_cumulative = models.BooleanField(
        _("累计数"), default=True, help_text=_("勾选:截至该年的累计总数;不勾选:该年当年的数量。")
    )
    source_article = models.ForeignKey(
        "news.Article",
        verbose_name=_("来源文章"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("输入标题搜索本站文章。只有已发布的文章会在网站上显示为链接。"),
    )
    source_text = models.CharField(
        _("来源说明"), max_length=200, blank=True, help_text=_("没有本站文章时填写,例如“市老促会2024年工作总结”。")
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)
    is_sample = models.BooleanField(_("示例数据"), default=False, help_text=SAMPLE_HELP)

    class Meta:
        verbose_name = _("年度数据")
        verbose_name_plural = _("年度数据")
        ordering = ["programme", "measure", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "measure", "year"],
                name="figure_one_per_programme_measure_year",
                violation_error_message=_("这个项目的这一指标在该年份已有数据,请修改原有数据。"),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="figure_value_not_negative",
                violation_error_message=_("数值不能为负数。"),
            ),
            models.CheckConstraint(condition=_year_range("year"), name="figure_year_range"),
        ]

    def __str__(self):
        return f"{self.programme} · {self.measure} {self.year}年 {self.display_value}{self.unit}"

    def clean(self):
        if not self.is_sample and not self.source_article_id and not self.source_text.strip():
            raise ValidationError(_("真实数据必须注明来源:选择一篇本站文章,或填写来源说明。"))

    @property
    def display_value(self) -> str:
        """6000 -> "6,000", 12.50 -> "12.5", with "+" for 余/以上."""
        value = self.value.normalize() if self.value is not None else Decimal(0)
        if value == value.to_integral_value():
            text = f"{int(value):,}"
        else:
            text = f"{value:,f}"
        return text + ("+" if self.at_least else "")

    @property
    def public_source_article(self):
        """The source article only when readers may see it (published)."""
        article = self.source_article
        return article if article is not None and article.is_published else None


class Milestone(models.Model):
    """An event on a programme's timeline; the date may be a year, a month or a day."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("品牌项目"), on_delete=models.CASCADE, related_name="milestones"
    )
    year = models.PositiveSmallIntegerField(_("年"), validators=YEAR_VALIDATORS)
    month = models.PositiveSmallIntegerField(
        _("月"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    day = models.PositiveSmallIntegerField(
        _("日"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("只知道年份或月份时留空。"),
    )
    title = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("说明"), blank=True)
    article = models.ForeignKey(
        "news.Article",
        verbose_name=_("相关文章"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_sample = models.BooleanField(_("示例数据"), default=False, help_text=SAMPLE_HELP)

    class Meta:
        verbose_name = _("大事记")
        verbose_name_plural = _("大事记")
        ordering = ["programme", "year", "month", "day", "id"]
        constraints = [
            models.CheckConstraint(condition=_year_range("year"), name="milestone_year_range"),
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12), name="milestone_month_range"
            ),
            models.CheckConstraint(
                condition=Q(day__isnull=True) | Q(month__isnull=False, day__gte=1, day__lte=31),
                name="milestone_day_needs_month",
            ),
        ]

    def __str__(self):
        return f"{self.display_date} {self.title}"

    def clean(self):
        import datetime

        if self.day and not self.month:
            raise ValidationError({"day": _("填写日期时请同时填写月份。")})
        if self.year and self.month and self.day:
            try:
                datetime.date(self.year, self.month, self.day)
            except ValueError:
                raise ValidationError({"day": _("日期不存在。")})

    @property
    def display_date(self) -> str:
        text = f"{self.year}年"
        if self.month:
            text += f"{self.month}月"
            if self.day:
                text += f"{self.day}日"
        return text

    @property
    def iso_date(self) -> str:
        """A valid HTML <time datetime> value for the precision we know."""
        if self.month and self.day:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    @property
    def public_article(self):
        article = self.article
        return article if article is not None and article.is_published else None


class ReadingRoom(models.Model):
    """A 红色乡村(校园)书社."""

    class Kind(models.TextChoices):
        RURAL = "rural", _("乡村")
        CAMPUS = "campus", _("校园")

    class Status(models.TextChoices):
        OPEN = "open", _("已启动")
        PLANNED = "planned", _("筹建中")
        CLOSED = "closed", _("已停办")

    programme = models.ForeignKey(
        Programme, verbose_name=_("品牌项目"), on_delete=models.CASCADE, related_name="reading_rooms"
    )
    name = models.CharField(_("书社名称"), max_length=100)
    county = models.ForeignKey(
        "members.CountyBranch", verbose_name=_("县区"), on_delete=models.PROTECT, related_name="reading_rooms"
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.RURAL)
    place = models.CharField(_("所在村或学校"), max_length=100, blank=True)
    sponsor = models.CharField(_("援建企业"), max_length=100, blank=True)
    opened = models.DateField(_("启动日期"), null=True, blank=True, validators=[validate_date_in_range])
    books = models.PositiveIntegerField(_("捐赠图书(册)"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    is_sample = models.BooleanField(_("示例数据"), default=False, help_text=SAMPLE_HELP)

    class Meta:
        verbose_name = _("红色书社")
        verbose_name_plural = _("红色书社")
        ordering = ["county__order", "name", "id"]
        indexes = [models.Index(fields=["programme", "status"], name="readingroom_programme_idx")]
        constraints = [
            models.UniqueConstraint(fields=["county", "name"], name="readingroom_unique_name_in_county"),
        ]

    def __str__(self):
        return self.name


class KeyVillage(models.Model):
    """A key old-area village of 十镇百村."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("品牌项目"), on_delete=models.CASCADE, related_name="key_villages"
    )
    name = models.CharField(_("村名"), max_length=100)
    town = models.CharField(_("所在镇(乡)"), max_length=100, blank=True)
    county = models.ForeignKey(
        "members.CountyBranch", verbose_name=_("县区"), on_delete=models.PROTECT, related_name="key_villages"
    )
    story = models.TextField(_("入选理由"), blank=True, help_text=_("这个村在革命历史中的地位和故事。"))
    sites_restored = models.TextField(_("修复的革命旧址"), blank=True, help_text=_("每行一处。"))
    is_sample = models.BooleanField(_("示例数据"), default=False, help_text=SAMPLE_HELP)

    class Meta:
        verbose_name = _("重点村(十镇百村)")
        verbose_name_plural = _("重点村(十镇百村)")
        ordering = ["county__order", "town", "name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["county", "town", "name"], name="keyvillage_unique_in_town"),
        ]

    def __str__(self):
        return f"{self.county} {self.town}{self.name}"

    @property
    def site_list(self) -> list[str]:
        return [line.strip() for line in self.sites_restored.splitlines() if line.strip()]


class Award(models.Model):
    """A prize won by a product of a programme, e.g. 2023年度中国富硒好产品 for 富硒苹果."""

    programme = models.ForeignKey(
        Programme, verbose_name=_("品牌项目"), on_delete=models.CASCADE, related_name="awards"
    )
    year = models.PositiveSmallIntegerField(_("年度"), validators=YEAR_VALIDATORS)
    title = models.CharField(_("奖项"), max_length=100, default="中国富硒好产品")
    product = models.CharField(_("获奖产品"), max_length=100)
    event = models.CharField(_("评选活动"), max_length=100, blank=True, help_text=_("例如 第六届中国富硒农业发展大会。"))
    place = models.CharField(_("地点"), max_length=50, blank=True)
    county = models.ForeignKey(
        "members.CountyBranch",
        verbose_name=_("县区"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="awards",
    )
    is_sample = models.BooleanField(_("示例数据"), default=False, help_text=SAMPLE_HELP)

    class Meta:
        verbose_name = _("获奖产品")
        verbose_name_plural = _("获奖产品")
        ordering = ["-year", "title", "id"]
        indexes = [models.Index(fields=["programme", "-year"], name="award_programme_year_idx")]
        constraints = [
            models.UniqueConstraint(fields=["year", "title", "product"], name="award_unique_product_per_year"),
            models.CheckConstraint(condition=_year_range("year"), name="award_year_range"),
        ]

    def __str__(self):
        return f"{self.year}年度{self.title}:{self.product}"
