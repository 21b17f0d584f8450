"""Response headers that Django's SecurityMiddleware does not set."""

from django.conf import settings
from django.http import QueryDict
from django.utils.cache import patch_cache_control, patch_vary_headers


class RevalidatePagesMiddleware:
    """A response without its own ``Cache-Control`` (the public pages) is checked with the
    server each time a browser shows it again.

    Without it, a browser guessed how long to keep a page from its ``Last-Modified`` (a tenth
    of the article's age): after a reader chose 特大 or 高对比度 it showed its old copy, and
    an edited or withdrawn article could stay on a phone for days. A page also depends on
    those two cookies, hence ``Vary: Cookie``. Asking again is cheap: the ETag answers 304
    when nothing changed. It sits outside the page cache, whose copies carry no such header.
    Static files, media and the admin set their own ``Cache-Control`` and are left alone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            patch_cache_control(response, no_cache=True)
            patch_vary_headers(response, ("Cookie",))
        return response


class PermissionsPolicyMiddleware:
    """Turn off browser features the portal never uses (camera, microphone, location…).

    A page that is defaced or embeds a hostile script still cannot ask the reader for them.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = settings.PERMISSIONS_POLICY
        self.admin_prefix = "/" + settings.ADMIN_URL

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        # Other sites may link to our pages and files but not embed them in theirs.
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        if request.path.startswith(self.admin_prefix):
            # Keeps the admin's (configurable, unlisted) address out of search engines.
            response.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
        return response


class NullByteMiddleware:
    """NUL characters never reach a view: a path with one is refused with the 400 page, and
    they are dropped from query-string values (a reader's search then still gets results).

    No real link has one, and PostgreSQL rejects NUL in text, so a view that passed such a
    parameter to a query would answer 500 instead of 400.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path:
            from django.core.exceptions import BadRequest

            from .security_views import bad_request

            return bad_request(request, BadRequest("NUL in the URL"))
        if "\x00" in request.META.get("QUERY_STRING", "") or "%00" in request.META.get("QUERY_STRING", ""):
            cleaned = QueryDict(mutable=True)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace("\x00", ""), [value.replace("\x00", "") for value in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)
