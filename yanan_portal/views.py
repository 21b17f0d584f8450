"""Site-wide views: the home page, reader preferences, robots.txt and the health check."""

from django.conf import settings
from django.db import connection
from django.http import HttpResponse, HttpResponsePermanentRedirect, HttpResponseRedirect, JsonResponse
from django.templatetags.static import static
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from news import selectors
from projects import selectors as projects_selectors  # projects: programme cards on the home page

from . import replica

TEXT_SIZES = {"md": "标准", "lg": "大", "xl": "特大"}
CONTRASTS = {"normal": "标准配色", "high": "高对比度"}
PREFERENCE_COOKIE_AGE = 365 * 24 * 60 * 60
NOTICES_SLUG = "notices"


def home(request):
    top_stories = selectors.headlines(limit=3, request=request)
    blocks = selectors.latest_by_top_channel(per_channel=8, request=request)
    context = {
        "headlines": top_stories,
        "pinned": selectors.pinned(limit=5, exclude=[a.id for a in top_stories], request=request),
        "channel_blocks": [(c, articles[:6]) for c, articles in blocks if c.slug != NOTICES_SLUG],
        "notices": next((block for block in blocks if block[0].slug == NOTICES_SLUG), None),
        # projects: flagship programmes with their headline figures (templates/projects/includes/home_block.html)
        "programme_cards": projects_selectors.programme_cards(selectors.channel_tree(request).by_id),
    }
    return render(request, "home.html", context)


@require_GET
def preferences(request):
    """Set the reader's text size and contrast in cookies and go back, with or without JavaScript."""
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        next_url = "/"
    response = HttpResponseRedirect(next_url)
    size = request.GET.get("size")
    if size in TEXT_SIZES:
        response.set_cookie("textsize", size, max_age=PREFERENCE_COOKIE_AGE, samesite="Lax")
    contrast = request.GET.get("contrast")
    if contrast in CONTRASTS:
        response.set_cookie("contrast", contrast, max_age=PREFERENCE_COOKIE_AGE, samesite="Lax")
    return response


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        # Not the admin: robots.txt is public and would reveal a secret ADMIN_URL. The admin
        # is linked from nowhere and sends X-Robots-Tag: noindex (yanan_portal.middleware).
        "Disallow: /news/preview/",
        "Disallow: /search/",
        "Disallow: /preferences/",
        # A PDF is not a page of the site; with object storage its view answers with a
        # redirect, on which search engines ignore X-Robots-Tag: noindex.
        "Disallow: /publications/*/read/",
        "Disallow: /publications/*/download/",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


@require_GET
def favicon(request):
    # Looked up per request: the hashed name exists only after collectstatic.
    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


@require_GET
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # the health check reports any database failure, whatever its class
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})


def page_not_found(request, exception):
    with replica.primary_reads():
        return render(request, "404.html", status=404)


def server_error(request):
    # No context processors that query the database: the error may be the database itself.
    return render(request, "500.html", {"nav_channels": []}, status=500)


def accessibility(request):
    """无障碍说明: what the site does for elderly and disabled readers, and how to use it."""
    text_size = request.COOKIES.get("textsize")
    context = {
        "crumbs": [{"name": "无障碍说明", "url": None}],
        "current_size": TEXT_SIZES.get(text_size, TEXT_SIZES["md"]),
    }
    return render(request, "pages/accessibility.html", context)
