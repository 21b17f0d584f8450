"""Files whose visibility follows the publication rule: article attachments and publication PDFs.

They live in MEDIA_ROOT like every upload, but no one fetches them by their media address
(nginx answers 404 there, and so does the local media view); a view checks ``published()``
first (staff who may preview also get those of unpublished records, never stored by a cache)
and then hands the file over, through nginx's X-Accel-Redirect when
MEDIA_ACCEL_REDIRECT is on (production), or streamed by Django otherwise.
"""

from urllib.parse import quote

from django.conf import settings
from django.contrib.admin.widgets import AdminFileWidget
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

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
    if not public:
        response["Cache-Control"] = "private, no-store"
    return response


class _LinkedFile:
    """A stored file as the admin's file widget shows it, with the address that serves it."""

    def __init__(self, field_file, url: str):
        self.field_file = field_file
        self.url = url

    def __str__(self):
        return str(self.field_file)


class ProtectedFileWidget(AdminFileWidget):
    """The admin's "目前:" link of a protected file goes to the view that checks access
    (which lets staff through), not to its media address, which answers 404 to everyone."""

    def __init__(self, *args, url_of, **kwargs):
        super().__init__(*args, **kwargs)
        self.url_of = url_of

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        instance = getattr(value, "instance", None)
        if context["widget"]["is_initial"] and instance is not None and instance.pk:
            context["widget"]["value"] = _LinkedFile(value, self.url_of(instance))
        return context


class ProtectedFileAdminMixin:
    """For a ModelAdmin or inline: ``protected_file_urls`` maps a file field's name to a
    function giving the address of the view that serves that record's file."""

    protected_file_urls: dict = {}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        url_of = self.protected_file_urls.get(db_field.name)
        if url_of is not None:
            kwargs["widget"] = ProtectedFileWidget(url_of=url_of)
        return super().formfield_for_dbfield(db_field, request, **kwargs)
