"""Response headers that Django's SecurityMiddleware does not set."""

from django.conf import settings


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
    """Refuse a URL or query string that contains a NUL character, with the 400 page.

    No real link has one, and PostgreSQL rejects NUL in text, so a view that passed such a
    parameter to a query (a search box) would answer 500 instead of 400.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            from django.core.exceptions import BadRequest

            from .security_views import bad_request

            return bad_request(request, BadRequest("NUL in the URL"))
        return self.get_response(request)
