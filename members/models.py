from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

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


class CountyBranch(models.Model):
    """The 老促会 (and 乡村振兴协会) of one of Yan'an's 13 county-level units."""

    name = models.CharField(_("县区"), max_length=20, unique=True)
    slug = models.SlugField(_("网址标识"), max_length=30, unique=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("县区老促会")
        verbose_name_plural = _("县区老促会")
        ordering = ["order", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("members:branch", kwargs={"slug": self.slug})
