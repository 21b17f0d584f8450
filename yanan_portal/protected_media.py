"""Files whose visibility follows the publication rule: article attachments and publication PDFs.

They are stored through ``STORAGES["protected"]``: MEDIA_ROOT like every upload by default,
where no one fetches them by their media address (nginx answers 404 there, and so does the
local media view); with object storage (MEDIA_S3_BUCKET), a private prefix of the bucket that
only signed addresses can read. A view checks ``published()`` first (staff who may preview
also get those of unpublished records, never stored by a cache) and then hands the file over:
through nginx's X-Accel-Redirect when MEDIA_ACCEL_REDIRECT is on (production), as a redirect
to a signed address valid for an hour with object storage, or streamed by Django.
"""

from urllib.parse import quote

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.core.signals import setting_changed
from django.db import models
from django.db.models.fields.files import FieldFile
from django.dispatch import receiver
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.functional import LazyObject, empty
from django.utils.http import content_disposition_header

from yanan_portal.cache import disable_page_cache

# Upload folders (upload_to) of the protected files.
PROTECTED_PREFIXES = ("attachments/", "publications/pdf/")
# nginx's internal location for them (deploy/nginx/portal.conf).
ACCEL_LOCATION = "/protected-media/"


def is_protected(name: str) -> bool:
    return name.lstrip("/").startswith(PROTECTED_PREFIXES)


def file_response(
    field_file, *, filename: str, content_type: str, as_attachment: bool, public: bool = True
) -> HttpResponse:
    """The file of a record the view has already checked, as a download or inline.

    ``public=False``: a file only staff may see (of a record not published), which no cache,
    shared or in the browser, may keep."""
    if not field_file:
        raise Http404("no file")
    disposition = content_disposition_header(as_attachment=as_attachment, filename=filename)
    local = isinstance(field_file.storage, FileSystemStorage)
    if (not local or settings.MEDIA_ACCEL_REDIRECT) and not field_file.storage.exists(field_file.name):
        # Django's Chinese 404 page, not the provider's error or nginx's 404 sent as the download.
        raise Http404("file missing from storage")
    if not local:
        # Object storage: the reader fetches the object itself under a signed address that
        # expires within the hour (STORAGES["protected"]), so no app worker is held while a
        # large PDF downloads; the name and type come with the signature.
        url = field_file.storage.url(
            field_file.name, parameters={"ResponseContentDisposition": disposition, "ResponseContentType": content_type}
        )
        response = HttpResponseRedirect(url)
        response["Cache-Control"] = "private, no-store"  # the address expires; never shared
        return response
    if settings.MEDIA_ACCEL_REDIRECT:
        # nginx sends the bytes (sendfile, range requests); Django only decides.
        response = HttpResponse(content_type=content_type)
        # A header must be ASCII: the path percent-encoded, as nginx decodes it.
        response["X-Accel-Redirect"] = ACCEL_LOCATION + quote(field_file.name)
        response["Content-Disposition"] = disposition
    else:
        try:
            handle = field_file.open("rb")
        except FileNotFoundError:
            raise Http404("file missing from storage")
        response = FileResponse(handle, as_attachment=as_attachment, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    # Whether the record is public is decided on every request: an answer from the page
    # cache (nginx's X-Accel-Redirect is a small page) could outlive a withdrawal.
    disable_page_cache(response)
    if not public:
        response["Cache-Control"] = "private, no-store"
    return response


class ProtectedFieldFile(FieldFile):
    """The address of a protected file is the view that checks who may read it: the admin's
    "目前:" link, its read-only display and any template get one that works, where the
    storage's media address answers 404 to everyone."""

    @property
    def url(self):
        self._require_file()
        if self.instance.pk is None:
            return super().url  # not saved yet: no view knows it
        return getattr(self.instance, self.field.url_method)()


class _ProtectedStorage(LazyObject):
    """``STORAGES["protected"]``, looked up when first used (and again after a test changes
    STORAGES), as Django's ``default_storage`` is for ``STORAGES["default"]``."""

    def _setup(self):
        self._wrapped = storages["protected"]


protected_storage = _ProtectedStorage()


@receiver(setting_changed)
def _storages_changed(*, setting, **kwargs):
    if setting == "STORAGES":
        protected_storage._wrapped = empty


class ProtectedFileField(models.FileField):
    """A FileField under PROTECTED_PREFIXES, stored through ``STORAGES["protected"]``;
    ``url_method``: the model's method giving the address of the view that serves the file."""

    attr_class = ProtectedFieldFile

    def __init__(self, *args, url_method: str = "get_absolute_url", **kwargs):
        self.url_method = url_method
        kwargs.setdefault("storage", protected_storage)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if kwargs.get("storage") is protected_storage:
            del kwargs["storage"]  # implied by the field class: migrations need not name it
        if self.url_method != "get_absolute_url":
            kwargs["url_method"] = self.url_method
        return name, path, args, kwargs
