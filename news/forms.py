"""Forms of the editorial admin: the article form with its edit lock, transitions, photos."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yanan_portal.dates import validate_date_in_range

from .models import Article, ArticleEvent

CONFLICT_MESSAGE = _(
    "此文章已被他人修改(可能是另一位同事刚刚保存)。为避免覆盖对方的修改,本次保存未执行。"
    "您填写的内容仍保留在下方:请先复制您的修改,再重新打开文章,合并后保存。"
)
# Fields that only the workflow services write; a form that carries them was crafted.
WORKFLOW_FIELDS = ("status", "published_at", "published_by", "review_comment", "version")


class ArticleAdminForm(forms.ModelForm):
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Article
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # From the database, not the instance: a version restore starts from an old
            # instance but must be checked against the article as it is now.
            current = (
                Article.objects.filter(pk=self.instance.pk).values_list("version", flat=True).first()
            )
            self.fields["lock_version"].initial = current

    def clean(self):
        cleaned = super().clean()
        if "cover_alt" in self.fields and cleaned.get("cover") and not cleaned.get("cover_alt", "").strip():
            # As for photos in the body: a reader who cannot see the cover is told what it shows.
            self.add_error("cover_alt", _("有封面图片时必须填写“封面图片说明”,为看不见图片的读者描述图片内容。"))
        crafted = [name for name in WORKFLOW_FIELDS if name in self.data]
        if crafted:
            raise ValidationError(
                _("文章状态和发布时间只能通过“提交审核”“发布”等按钮改变,本次保存未执行。"),
                code="workflow_field",
            )
        if self.instance.pk:
            # Locks the row until the admin's transaction ends, so check and save are one step.
            current = (
                Article.objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if cleaned.get("lock_version") != current:
                raise ValidationError(CONFLICT_MESSAGE, code="conflict")
        return cleaned


class TransitionForm(forms.Form):
    """The confirmation page of a transition: a comment, and a time where one is needed."""

    comment = forms.CharField(
        label=_("意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("会写入审核记录(可不填)。"),
    )
    at = forms.DateTimeField(
        label=_("发布时间"),
        required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    import_old = forms.BooleanField(
        label=_("导入旧文章(使用过去的原发布时间)"),
        required=False,
        help_text=_("仅用于把旧网站的文章搬过来:勾选后“发布时间”可以早于现在,此操作会记入审核记录。"),
    )

    def __init__(self, *args, action: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action
        if action == ArticleEvent.Action.SCHEDULE:
            self.fields["at"].required = True
            self.fields["at"].help_text = _("文章将在这个时间自动出现在网站上。")
            del self.fields["import_old"]
        elif action == ArticleEvent.Action.PUBLISH:
            self.fields["at"].help_text = _("留空即立即发布。只有导入旧文章时才填写过去的时间。")
        else:
            del self.fields["at"]
            del self.fields["import_old"]
        if action == ArticleEvent.Action.SEND_BACK:
            self.fields["comment"].required = True
            self.fields["comment"].help_text = _("必填:告诉编辑需要修改什么。会写入审核记录,编辑在后台打开文章时可以看到,读者看不到。")

    def clean_at(self):
        at = self.cleaned_data.get("at")
        validate_date_in_range(at)
        if at is not None and timezone.is_naive(at):
            at = timezone.make_aware(at)
        return at


class PhotoUploadForm(forms.Form):
    image = forms.FileField(
        label=_("照片"),
        help_text=_("JPEG、PNG、WebP 或 GIF,不超过 20 MB。位置等隐私信息会被自动去除。"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    alt = forms.CharField(
        label=_("替代文字"),
        max_length=200,
        help_text=_("必填:为看不见图片的读者描述图片内容,例如“老促会工作人员在安塞区走访农户”。"),
    )
    caption = forms.CharField(label=_("图片说明(图注)"), max_length=200, required=False)
