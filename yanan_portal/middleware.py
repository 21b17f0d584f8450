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
        if request.path.startswith(self.admin_prefix):
            # Keeps the admin's (configurable, unlisted) address out of search engines.
            response.headers.setdefault("X-Robots-Tag", "noindex, nofollow")
        return response
