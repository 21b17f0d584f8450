"""Admin behaviour shared by the apps: the date drill-down's years, photos through the photo
pipeline, and edits that cannot overwrite each other."""

import hashlib

from django import forms
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import images
from .dates import year_in_range


class DateHierarchyChangeList(ChangeList):
    """Refuses a drill-down year outside the portal's years, as Django refuses a month 13:
    the list answers with its "?e=1" page. Django's own bounds fail with a 500 at year 9999
    (the next year's date cannot be made) and at year 1 (UTC is a year before)."""

    def get_filters(self, request):
        if self.date_hierarchy:
            years = self.filter_params.get(f"{self.date_hierarchy}__year")
            if years:
                try:
                    year = int(years[-1])
                except ValueError as error:
                    raise IncorrectLookupParameters(error) from error
                if not year_in_range(year):
                    raise IncorrectLookupParameters(f"year {year} out of range")
        return super().get_filters(request)


class DateHierarchyMixin:
    """For a ModelAdmin with ``date_hierarchy``."""

    def get_changelist(self, request, **kwargs):
        return DateHierarchyChangeList


class PhotoPipelineMixin:
    """Photos uploaded through this admin are stored by ``images.store_image``: pixels only
    (no EXIF, GPS or comments), a random name, and renditions for phones.

    ``photo_folders`` maps an image field to its media folder."""

    photo_folders: dict[str, str] = {}

    def save_model(self, request, obj, form, change):
        for field, folder in self.photo_folders.items():
            upload = getattr(obj, field)
            if field in form.changed_data and upload and not upload._committed:
                setattr(obj, field, images.store_image(upload.file, folder=folder).name)
        super().save_model(request, obj, form, change)


EDIT_CONFLICT_MESSAGE = _(
    "此内容已被他人修改(可能是另一位同事刚刚保存)。为避免覆盖对方的修改,本次保存未执行。"
    "您填写的内容仍保留在下方:请先复制您的修改,再重新打开本页,合并后保存。"
)


def row_token(model, pk, *, lock: bool = False) -> str:
    """A fingerprint of a record's row as it is in the database now; with ``lock``, the row
    stays locked until the transaction ends (the admin saves in one), so check and save are
    one step."""
    rows = model._default_manager.filter(pk=pk)
    if lock:
        rows = rows.select_for_update()
    row = rows.values().first()
    return hashlib.sha256(repr(sorted(row.items())).encode()).hexdigest()[:32] if row else ""


class EditConflictForm(forms.ModelForm):
    """Refuses to save over a change that someone else saved after this form was opened."""

    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["edit_token"].initial = row_token(type(self.instance), self.instance.pk)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("edit_token") != row_token(type(self.instance), self.instance.pk, lock=True):
            raise ValidationError(EDIT_CONFLICT_MESSAGE, code="conflict")
        return cleaned


class EditConflictMixin:
    """For a ModelAdmin: two people editing one record cannot silently overwrite each other
    (articles have their own version numbers, news.forms.ArticleAdminForm)."""

    form = EditConflictForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        # Not on a read-only page, where every field in the fieldsets is shown as text.
        if obj is None or not self.has_change_permission(request, obj) or "edit_token" in flatten_fieldsets(fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "edit_token"]}), *rest]
