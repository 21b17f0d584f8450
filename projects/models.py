from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


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
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("在网站上显示"), default=True)

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("品牌项目")
        verbose_name_plural = _("品牌项目")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:programme", kwargs={"slug": self.slug})
