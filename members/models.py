"""The association and its network: the organisation record, its internal bodies, leaders,
rules, service platforms, honours and contacts; the 13 county branches; the council units.

Every fact a reader sees on the about pages is a row here, editable in the admin; the
templates hold no facts of their own.
"""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

from yanan_portal.richtext import RICH_TEXT_CONFIG, sanitize_html
from yanan_portal.uploads import UnguessableName, image_field

# The 13 county-level units of Yan'an, in the order the city lists them, with the ASCII
# slugs used in their public URLs.
COUNTIES = [
    ("宝塔区", "baota"),
    ("安塞区", "ansai"),
    ("延长县", "yanchang"),
    ("延川县", "yanchuan"),
    ("子长市", "zichang"),
    ("志丹县", "zhidan"),
    ("吴起县", "wuqi"),
    ("甘泉县", "ganquan"),
    ("富县", "fuxian"),
    ("洛川县", "luochuan"),
    ("宜川县", "yichuan"),
    ("黄龙县", "huanglong"),
    ("黄陵县", "huangling"),
]

# The association was founded in 1993; no year of its own history can be earlier.
FOUNDING_YEAR = 1993
_YEAR_HELP = _("四位数年份,例如 2023。")
_SAMPLE_HELP = _("演示用的示例数据,不是真实信息。页面上会标注“示例”。")


def _year_field(verbose_name, **kwargs):
    return models.PositiveSmallIntegerField(verbose_name, null=True, blank=True, help_text=_YEAR_HELP, **kwargs)


def _sample_field():
    return models.BooleanField(_("示例数据"), default=False, help_text=_SAMPLE_HELP)


def _order_field():
    return models.PositiveSmallIntegerField(_("排序"), default=0, help_text=_("数字小的排在前面。"))


class CountyBranch(models.Model):
    """The 老促会 (and 乡村振兴协会) of one of Yan'an's 13 county-level units."""

    name = models.CharField(_("县区"), max_length=20, unique=True)
    slug = models.SlugField(_("网址标识"), max_length=30, unique=True)
    order = _order_field()
    association_name = models.CharField(
        _("老促会全称"), max_length=100, blank=True, help_text=_("例如:延安市宝塔区老区建设促进会。")
    )
    revitalisation_name = models.CharField(
        _("乡村振兴协会全称"), max_length=100, blank=True, help_text=_("例如:延安市宝塔区乡村振兴协会。")
    )
    president = models.CharField(_("会长"), max_length=50, blank=True)
    staff_count = models.PositiveSmallIntegerField(_("驻会工作人员(人)"), null=True, blank=True)
    has_establishment = models.BooleanField(
        _("有事业编制"), null=True, blank=True, help_text=_("该县区老促会是否有事业编制;不清楚时选“未知”,网页上不显示。")
    )
    last_election_year = _year_field(_("最近一次换届年份"))
    address = models.CharField(_("办公地址"), max_length=200, blank=True)
    phone = models.CharField(
        _("联系电话"), max_length=30, blank=True, help_text=_("例如 0911-1234567。网页上可直接点击拨打。")
    )
    intro = ProseEditorField(_("简介"), config=RICH_TEXT_CONFIG, sanitize=sanitize_html, blank=True)
    photo = image_field(_("照片"), upload_to=UnguessableName("branches"))
    photo_alt = models.CharField(
        _("照片说明"), max_length=200, blank=True, help_text=_("为看不见图片的读者描述照片内容。")
    )
    is_sample = models.BooleanField(
        _("含示例数据"),
        default=False,
        help_text=_("本县区的地址、电话等是演示用的示例数据。填入真实信息后请取消勾选。"),
    )

    class Meta:
        verbose_name = _("县区老促会")
        verbose_name_plural = _("县区老促会")
        ordering = ["order", "id"]
        indexes = [models.Index(fields=["order", "id"], name="countybranch_order_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_election_year__isnull=True) | Q(last_election_year__gte=FOUNDING_YEAR),
                name="countybranch_election_after_founding",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("members:branch", kwargs={"slug": self.slug})

    @property
    def display_association_name(self) -> str:
        return self.association_name or f"{self.name}老促会"

    @property
    def phone_href(self) -> str:
        """The phone number as a ``tel:`` address: digits and a leading + only."""
        digits = "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")
        return f"tel:{digits}" if digits else ""


class CouncilUnitQuerySet(models.QuerySet):
    def visible(self):
        """What the public sees: active units only (inactive ones are kept for the record)."""
        return self.filter(is_active=True)


class CouncilUnit(models.Model):
    """A 理事单位: an organisation on the association's council."""

    class Category(models.TextChoices):
        PARTY_GOVERNMENT = "party-government", _("党政部门")
        STATE_ENTERPRISE = "state-enterprise", _("国有企业")
        ENTERPRISE = "enterprise", _("企业")
        ACADEMIC = "academic", _("院校及科研单位")
        SOCIAL = "social", _("社会组织")
        OTHER = "other", _("其他")

    class Role(models.IntegerChoices):
        # Integers so that ordering by role is the order of rank.
        PRESIDENT = 1, _("会长单位")
        VICE_PRESIDENT = 2, _("副会长单位")
        STANDING = 3, _("常务理事单位")
        MEMBER = 4, _("理事单位")

    name = models.CharField(_("单位名称"), max_length=100, unique=True)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices, default=Category.OTHER)
    role = models.PositiveSmallIntegerField(_("理事会职务"), choices=Role.choices, default=Role.MEMBER)
    logo = image_field(_("标志"), upload_to=UnguessableName("council"), help_text=_("可选。JPEG、PNG、WebP 或 GIF,不超过 20 MB。"))
    website = models.URLField(_("网站"), blank=True, help_text=_("以 https:// 或 http:// 开头。"))
    description = models.CharField(_("简介"), max_length=200, blank=True)
    order = _order_field()
    is_active = models.BooleanField(
        _("在网站上显示"), default=True, help_text=_("单位不再担任理事时取消勾选;记录保留,不要删除。")
    )
    joined_year = _year_field(_("加入年份"))
    is_sample = _sample_field()

    objects = CouncilUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("理事单位")
        verbose_name_plural = _("理事单位")
        ordering = ["role", "order", "id"]
        indexes = [models.Index(fields=["is_active", "role", "order", "id"], name="councilunit_public_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(joined_year__isnull=True) | Q(joined_year__gte=FOUNDING_YEAR),
                name="councilunit_joined_after_founding",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("about:council") + f"?category={self.category}"


class Organisation(models.Model):
    """The association itself: a single record (id 1) that staff edit in the admin."""

    name = models.CharField(_("全称"), max_length=100, default="延安市老区建设促进会")
    short_name = models.CharField(_("简称"), max_length=50, default="延安市老促会")
    second_name = models.CharField(
        _("另一块牌子"), max_length=100, blank=True, help_text=_("合署办公的另一名称,例如:延安市乡村振兴协会。")
    )
    founded_year = models.PositiveSmallIntegerField(_("成立年份"), default=FOUNDING_YEAR)
    merged_year = _year_field(_("合署办公年份"))
    summary = models.TextField(_("一句话介绍"), blank=True, help_text=_("显示在“关于我们”页顶部。"))
    intro = ProseEditorField(_("详细介绍"), config=RICH_TEXT_CONFIG, sanitize=sanitize_html, blank=True)
    staff_count = models.PositiveSmallIntegerField(_("驻会人员(人)"), default=0)
    established_staff_count = models.PositiveSmallIntegerField(_("其中在编人员(人)"), default=0)
    party_member_count = models.PositiveSmallIntegerField(_("党员(人)"), default=0)
    member_count = models.PositiveIntegerField(
        _("市县会员(人)"), default=0, help_text=_("市县老促会会员总数。页面显示为“N余人”。")
    )
    county_staff_count = models.PositiveSmallIntegerField(
        _("县区驻会工作人员(人)"), default=0, help_text=_("页面显示为“N多人”。")
    )
    annual_budget = models.PositiveIntegerField(_("年度财政预算工作经费(元)"), default=0)
    structure_note = models.TextField(
        _("组织机构说明"), blank=True, help_text=_("显示在“组织机构”页顶部。")
    )
    leadership_note = models.TextField(
        _("领导班子说明"), blank=True, help_text=_("显示在“领导班子”页顶部,例如历任会长情况。")
    )
    rules_note = models.TextField(_("规章制度说明"), blank=True, help_text=_("显示在“规章制度”页顶部。"))
    affiliations = models.TextField(
        _("所属上级组织"), blank=True, help_text=_("例如担任理事单位的全国性协会,每行一个。")
    )

    class Meta:
        verbose_name = _("本会概况")
        verbose_name_plural = _("本会概况")
        constraints = [
            # One record only: the admin edits it, never adds a second.
            models.CheckConstraint(condition=Q(id=1), name="organisation_single_row"),
            models.CheckConstraint(
                condition=Q(established_staff_count__lte=models.F("staff_count")),
                name="organisation_established_within_staff",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("about:index")

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> "Organisation":
        """The record, or an unsaved default when staff have not created it yet."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    @property
    def affiliation_list(self) -> list[str]:
        return [line.strip() for line in self.affiliations.splitlines() if line.strip()]


class OrderedQuerySet(models.QuerySet):
    def visible(self):
        return self.filter(is_active=True)


class _OrderedItem(models.Model):
    order = _order_field()
    is_active = models.BooleanField(_("在网站上显示"), default=True)

    objects = OrderedQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = ["order", "id"]


class Body(_OrderedItem):
    """An internal body of the association (内设机构) with its duties."""

    class Kind(models.TextChoices):
        PARTY = "party", _("党群组织")
        OFFICE = "office", _("办事机构")

    name = models.CharField(_("名称"), max_length=50, unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.OFFICE)
    duties = models.TextField(_("主要职责"), blank=True, help_text=_("每行一条职责。"))
    is_sample = _sample_field()

    class Meta(_OrderedItem.Meta):
        verbose_name = _("内设机构")
        verbose_name_plural = _("内设机构")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("about:structure") + f"#body-{self.pk}"

    @property
    def duty_list(self) -> list[str]:
        return [line.strip() for line in self.duties.splitlines() if line.strip()]


class Position(_OrderedItem):
    """A leadership position (会长, 常务副会长, 秘书长 …) and who holds it."""

    title = models.CharField(_("职务"), max_length=50)
    holder = models.CharField(_("姓名"), max_length=50, blank=True, help_text=_("不公开或待定时留空。"))
    note = models.CharField(_("说明"), max_length=200, blank=True, help_text=_("例如:兼机关党支部书记。"))

    class Meta(_OrderedItem.Meta):
        verbose_name = _("领导职务")
        verbose_name_plural = _("领导班子")
        constraints = [models.UniqueConstraint(fields=["title", "holder"], name="position_unique_holder")]

    def __str__(self):
        return f"{self.title} {self.holder}".strip()

    def get_absolute_url(self):
        return reverse("about:leadership")


class Rule(_OrderedItem):
    """One of the internal rules (制度) the association works by."""

    name = models.CharField(_("制度名称"), max_length=100, unique=True)
    summary = models.CharField(_("要点"), max_length=300, blank=True)
    body = ProseEditorField(_("全文"), config=RICH_TEXT_CONFIG, sanitize=sanitize_html, blank=True)

    class Meta(_OrderedItem.Meta):
        verbose_name = _("规章制度")
        verbose_name_plural = _("规章制度")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("about:rules") + f"#rule-{self.pk}"


class ServicePlatform(_OrderedItem):
    """A service platform the association set up (服务平台)."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    description = models.CharField(_("简介"), max_length=300, blank=True)
    website = models.URLField(_("网站"), blank=True)

    class Meta(_OrderedItem.Meta):
        verbose_name = _("服务平台")
        verbose_name_plural = _("服务平台")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("about:structure") + "#platforms"


class Honour(_OrderedItem):
    """An honour the association received, in one year or several years running."""

    title = models.CharField(_("荣誉名称"), max_length=200)
    awarded_by = models.CharField(_("授予单位"), max_length=100, blank=True)
    year = models.PositiveSmallIntegerField(_("年份"), help_text=_YEAR_HELP)
    end_year = _year_field(_("截止年份"))

    class Meta:
        verbose_name = _("荣誉")
        verbose_name_plural = _("荣誉")
        ordering = ["-year", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=FOUNDING_YEAR), name="honour_year_after_founding"),
            models.CheckConstraint(
                condition=Q(end_year__isnull=True) | Q(end_year__gte=models.F("year")),
                name="honour_end_after_start",
            ),
            models.UniqueConstraint(fields=["title", "year"], name="honour_unique_title_year"),
        ]

    def __str__(self):
        return f"{self.years_label} {self.title}"

    def get_absolute_url(self):
        return reverse("about:index") + "#honours"

    @property
    def years_label(self) -> str:
        if self.end_year and self.end_year != self.year:
            return f"{self.year}–{self.end_year}年"
        return f"{self.year}年"


class Milestone(_OrderedItem):
    """An event of the association's history for the timeline on 关于我们."""

    year = models.PositiveSmallIntegerField(_("年份"), help_text=_YEAR_HELP)
    title = models.CharField(_("事件"), max_length=200)
    description = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("大事记")
        verbose_name_plural = _("大事记")
        ordering = ["year", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(year__gte=FOUNDING_YEAR), name="milestone_year_after_founding"),
        ]

    def __str__(self):
        return f"{self.year}年 {self.title}"

    def get_absolute_url(self):
        return reverse("about:index") + "#timeline"


class Contact(_OrderedItem):
    """A way to reach the association (地址, 电话, 邮箱 …), shown on 关于我们 and in the footer."""

    class Kind(models.TextChoices):
        ADDRESS = "address", _("地址")
        PHONE = "phone", _("电话")
        EMAIL = "email", _("电子邮箱")
        OTHER = "other", _("其他")

    label = models.CharField(_("名称"), max_length=50, help_text=_("例如:办公室电话。"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.OTHER)
    value = models.CharField(_("内容"), max_length=200)
    in_footer = models.BooleanField(_("显示在页脚"), default=True)
    is_sample = _sample_field()

    class Meta(_OrderedItem.Meta):
        verbose_name = _("联系方式")
        verbose_name_plural = _("联系方式")

    def __str__(self):
        return f"{self.label}:{self.value}"

    def get_absolute_url(self):
        return reverse("about:index") + "#contact"

    @property
    def href(self) -> str:
        if self.kind == self.Kind.PHONE:
            digits = "".join(ch for ch in self.value if ch.isdigit() or ch == "+")
            return f"tel:{digits}" if digits else ""
        if self.kind == self.Kind.EMAIL and "@" in self.value:
            return f"mailto:{self.value}"
        return ""
