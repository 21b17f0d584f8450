"""Admin behaviour shared by the apps: the date drill-down's years, photos through the photo
pipeline, one rich-text editor for every text, and edits that cannot overwrite each other."""

import hashlib

from django import forms
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.admin.views.main import ChangeList
from django.forms.models import _get_foreign_key
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_prose_editor.fields import ProseEditorField

from . import images
from .dates import YEAR_MAX, YEAR_MIN
from .richtext import body_editor_config, check_body_images, rich_text_fields, sanitize_html

# Scripts of the editor wherever it appears: Chinese toolbar names, writing on after a photo,
# the text the browser's 返回 brings back shown in the editor, a word on pasted photos, and
# 草稿保护 (a copy of the form on this computer until it is saved, the login kept alive while
# someone writes).
RICH_TEXT_EDITOR_JS = [
    "js/editor-zh.js", "js/editor-figures.js", "js/editor-restore.js", "js/editor-paste.js", "js/draft-protection.js"
]
RICH_TEXT_EDITOR_CSS = ["css/rich-text-editor.css"]


class DateHierarchyChangeList(ChangeList):
    """Refuses a drill-down year outside the portal's years (and a month or day beyond the
    calendar's, which Django refuses only while it fits a C integer), as Django refuses a month 13:
    the list answers with its "?e=1" page. Django's own bounds fail with a 500 at year 9999
    (the next year's date cannot be made) and at year 1 (UTC is a year before)."""

    def get_filters(self, request):
        if self.date_hierarchy:
            bounds = {"year": (YEAR_MIN, YEAR_MAX), "month": (1, 12), "day": (1, 31)}
            for part, (lowest, highest) in bounds.items():
                values = self.filter_params.get(f"{self.date_hierarchy}__{part}")
                if not values:
                    continue
                try:
                    value = int(values[-1])
                except ValueError as error:
                    raise IncorrectLookupParameters(error) from error
                if not lowest <= value <= highest:
                    raise IncorrectLookupParameters(f"{part} {value} out of range")
        return super().get_filters(request)


class DateHierarchyMixin:
    """For a ModelAdmin with ``date_hierarchy``."""

    def get_changelist(self, request, **kwargs):
        return DateHierarchyChangeList


class PhotoPipelineMixin:
    """For every admin whose form takes files. Photos uploaded through it are stored by
    ``images.store_image``: pixels only (no EXIF, GPS or comments), a random name, and
    renditions for phones. And a form shown again with errors names the files that were chosen.

    ``photo_folders`` maps an image field to its media folder; ``photo_descriptions`` an image
    field to the field that describes it, required with a photo, as the article's cover's is
    (readers who cannot see the photo got alt="")."""

    photo_folders: dict[str, str] = {}
    photo_descriptions: dict[str, str] = {}

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        return _requiring_descriptions(form, self.model, self.photo_descriptions) if self.photo_descriptions else form

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if request.method == "POST" and request.FILES and _form_refused(context):
            # A form shown again with errors cannot keep the files that were chosen (browsers
            # never pre-fill a file field): without a word, fixing the error and saving again
            # saved the record without its photo, cover or attachment.
            names = "、".join(file.name for file in request.FILES.values())
            messages.warning(request, _("请重新选择这些文件后再保存:%(names)s(页面有错误时,已选的文件不会保留)。") % {"names": names})
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        for field, folder in self.photo_folders.items():
            upload = getattr(obj, field)
            if field in form.changed_data and upload and not upload._committed:
                setattr(obj, field, images.store_image(upload.file, folder=folder).name)
        super().save_model(request, obj, form, change)


def _requiring_descriptions(form, model, descriptions):
    # In the change form only: the list's own form (list_editable) has no description field to
    # show the error beside, and a photo saved before descriptions were required must not
    # stop a change of its 排序 there.
    class DescribedPhotos(form):
        def clean(self):
            cleaned = super().clean()
            for photo, description in descriptions.items():
                if description in self.fields and cleaned.get(photo) and not (cleaned.get(description) or "").strip():
                    self.add_error(description, _("有%(photo)s时必须填写“%(description)s”,为看不见图片的读者描述图片内容。") % {
                        "photo": model._meta.get_field(photo).verbose_name,
                        "description": model._meta.get_field(description).verbose_name,
                    })
            return cleaned

    return DescribedPhotos


EDIT_CONFLICT_MESSAGE = _(
    "此内容已被他人修改(可能是另一位同事刚刚保存)。为避免覆盖对方的修改,本次保存未执行。"
    "您填写的内容仍保留在下方:请先复制您的修改,再重新打开本页,合并后保存。"
)


def may_edit_rich_text(user) -> bool:
    """Whether ``user`` may write some rich text (an article, a programme's introduction …),
    and so upload a photo for it through the editor's 浏览… window."""
    if not (user.is_active and user.is_staff):
        return False
    return any(
        user.has_perm(f"{model._meta.app_label}.{action}_{model._meta.model_name}")
        for model in rich_text_models()
        for action in ("add", "change")
    )


def rich_text_models() -> list:
    """The models with a rich text that staff write (the article's history copies are not written)."""
    from django.apps import apps

    return [
        model
        for model in apps.get_models()
        if rich_text_fields(model) and not getattr(model, "instance_type", None)  # simple_history's copies
    ]


class RichTextAdminMixin:
    """The article's editor for every rich text (a programme's introduction, a county's, the
    association's, a rule): Chinese toolbar names, 插入图片 with its 浏览… upload (through the
    photo pipeline), Enter leaving a photo's caption, the same refusal of pasted, foreign or
    undescribed photos, which the sanitiser would otherwise drop without a word, and the
    article's 草稿保护 (static/js/draft-protection.js)."""

    change_form_template = "admin/rich_text_change_form.html"

    def __init__(self, model, admin_site):
        super().__init__(model, admin_site)
        # On a page the staff member may only view, each rich text is shown as readers see it,
        # not as its HTML source, by a display method "<field>_as_read".
        self._shown_as_read = {}
        for field in rich_text_fields(model):
            self._shown_as_read[field.name] = display = f"{field.name}_as_read"
            setattr(self, display, _as_read(field))

    def _only_viewed(self, request, obj) -> bool:
        return bool(self._shown_as_read) and obj is not None and not self.has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if self._only_viewed(request, obj):
            fields += [display for display in self._shown_as_read.values() if display not in fields]
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self._only_viewed(request, obj):
            return fieldsets
        displays = set(self._shown_as_read.values())

        def as_read(names):
            # Without fieldsets of its own the admin lists the display once more at the end.
            return [self._shown_as_read.get(name, name) for name in names if name not in displays]

        return [(title, {**options, "fields": as_read(options["fields"])}) for title, options in fieldsets]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, ProseEditorField) and formfield is not None:
            formfield.widget.config = body_editor_config()
            formfield.validators.append(check_body_images)
        return formfield

    @property
    def media(self):
        return super().media + forms.Media(css={"all": RICH_TEXT_EDITOR_CSS}, js=RICH_TEXT_EDITOR_JS)


def _as_read(field):
    def as_read(obj):
        # Sanitised on every save; again here, as for the public page, before it is marked safe.
        return format_html('<div class="rich-text-readonly">{}</div>', mark_safe(sanitize_html(getattr(obj, field.name))))

    as_read.short_description = field.verbose_name
    return as_read


def record_fingerprint(model, pk, *, inline_models=(), lock: bool = False) -> str:
    """A fingerprint of a record as the admin's change page shows it: its row, its
    many-to-many links and the rows of its inlines (``inline_models``: (model, foreign key
    name) pairs), as they are in the database now. With ``lock``, the record's row stays locked
    until the transaction ends (the admin saves in one), so check and save are one step."""
    rows = model._default_manager.filter(pk=pk)
    if lock:
        rows = rows.select_for_update()
    row = rows.values().first()
    if row is None:
        return ""
    parts = [sorted(row.items())]
    for field in model._meta.many_to_many:
        parts.append(sorted(i for i in model._default_manager.filter(pk=pk).values_list(field.name, flat=True) if i))
    for inline_model, fk_name in inline_models:
        parts.extend(sorted(r.items()) for r in inline_model._default_manager.filter(**{fk_name: pk}).order_by("pk").values())
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


class EditConflictForm(forms.ModelForm):
    """Refuses to save over a change that someone else saved after this form was opened."""

    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)
    # Set by EditConflictMixin.get_form to the admin's inlines.
    inline_models: tuple = ()

    def fingerprint(self, *, lock: bool = False) -> str:
        return record_fingerprint(type(self.instance), self.instance.pk, inline_models=self.inline_models, lock=lock)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["edit_token"].initial = self.fingerprint()

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("edit_token") != self.fingerprint(lock=True):
            raise ValidationError(EDIT_CONFLICT_MESSAGE, code="conflict")
        return cleaned


def _inlines_refused(context) -> bool:
    return any(inline.formset.total_error_count() for inline in context.get("inline_admin_formsets", []))


def _form_refused(context) -> bool:
    """The form or one of its inlines came back with errors (an edit conflict included, which
    show_conflict_on_top takes out of the page's ``errors``)."""
    adminform = context.get("adminform")
    if adminform is not None and adminform.form.is_bound and adminform.form.errors:
        return True
    return _inlines_refused(context)


def show_conflict_on_top(request, context) -> None:
    """An edit conflict (a form error with the code "conflict") is no mistake in what was typed:
    alone, it is the page's message, without Django's 请更正下面的错误 that sent editors looking
    for a wrong field. For ``render_change_form``."""
    adminform = context.get("adminform")
    form = adminform.form if adminform else None
    if form is None or not form.is_bound or set(form.errors) != {NON_FIELD_ERRORS}:
        return
    errors = form.errors.as_data()[NON_FIELD_ERRORS]
    if any(error.code != "conflict" for error in errors):
        return
    if _inlines_refused(context):
        return
    context["errors"] = []
    for error in errors:
        messages.error(request, " ".join(error.messages))


class EditConflictMixin:
    """For a ModelAdmin: two people editing one record cannot silently overwrite each other
    (articles have their own version numbers, news.forms.ArticleAdminForm)."""

    form = EditConflictForm

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        show_conflict_on_top(request, context)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        inline_models = tuple(
            (inline.model, _get_foreign_key(self.model, inline.model, fk_name=inline.fk_name).name)
            for inline in self.inlines
        )
        return type(form.__name__, (form,), {"inline_models": inline_models})

    def _guards(self, request, obj) -> bool:
        # Not on a read-only page, where every field in the fieldsets is shown as text.
        return obj is not None and self.has_change_permission(request, obj)

    def get_fields(self, request, obj=None):
        fields = [name for name in super().get_fields(request, obj) if name != "edit_token"]
        return [*fields, "edit_token"] if self._guards(request, obj) else fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not self._guards(request, obj) or "edit_token" in flatten_fieldsets(fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "edit_token"]}), *rest]


class ReadableDeletionMixin:
    """The delete confirmation names the links a deletion removes as links (文章“…”与此项目的
    关联,文章本身不删除) instead of Django's "Article-programme关系: Article_programmes object (8)",
    which was English and read as if the articles themselves were deleted too."""

    def get_deleted_objects(self, objs, request):
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        readable = {}
        own_name = self.model._meta.verbose_name
        for through, own, other in _link_tables(self.model):
            other_name = other.related_model._meta.verbose_name
            prefix = f"{capfirst(through._meta.verbose_name)}: "
            for row in through._default_manager.filter(**{f"{own.name}__in": objs}).select_related(other.name):
                readable[f"{prefix}{row}"] = _("%(other)s“%(name)s”与此%(own)s的关联(%(other)s本身不删除)") % {
                    "other": other_name, "name": getattr(row, other.name), "own": own_name
                }
            if through._meta.verbose_name_plural in model_count:
                count = model_count.pop(through._meta.verbose_name_plural)
                model_count[_("与%(other)s的关联") % {"other": other_name}] = count
        return _readable(to_delete, readable), model_count, perms_needed, protected


def _link_tables(model):
    """The tables Django made for the model's many-to-many fields, either side: (table, the
    table's key to this model, its key to the other one)."""
    for field in model._meta.get_fields():
        if not field.many_to_many:
            continue
        through = field.through if field.auto_created else field.remote_field.through
        if not through._meta.auto_created:
            continue
        keys = [key for key in through._meta.fields if key.is_relation]
        own = next((key for key in keys if key.related_model is model), None)
        other = next((key for key in keys if key is not own), None)
        if own and other and other.related_model is not model:
            yield through, own, other


def _readable(items, readable):
    return [_readable(item, readable) if isinstance(item, list) else readable.get(str(item), item) for item in items]
