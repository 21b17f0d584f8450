"""Login throttling (django-axes) adapted to the portal: behind nginx, and usable in tests."""

import ipaddress

from axes.backends import AxesStandaloneBackend
from django.conf import settings


class PortalAxesBackend(AxesStandaloneBackend):
    """Axes' check, skipped only for logins that do not come through an HTTP request.

    Every login over the web (the admin's form, any view with AuthenticationForm) passes the
    request and is throttled. ``Client.login()`` in tests and ``authenticate()`` in a shell
    pass none; axes would raise for them, and there is no address to throttle anyway.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str:
    """The reader's address: nginx's X-Real-IP when the request came from a trusted proxy.

    Without this every attempt would come from 127.0.0.1 and one attacker would lock out
    everybody; and trusting the header from anyone would let an attacker pick any address.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    if remote in settings.TRUSTED_PROXIES:
        forwarded = _valid_ip(request.META.get("HTTP_X_REAL_IP", ""))
        if forwarded:
            return forwarded
    return remote


def lockout_response(request, original_response=None, credentials=None):
    """The Chinese lockout page (HTTP 429) with the cool-off in minutes."""
    from django.shortcuts import render

    cooloff = settings.AXES_COOLOFF_TIME
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(cooloff.total_seconds() // 60) if cooloff else None,
    }
    return render(request, "axes/lockout.html", context, status=429)
