"""Hostile input: every public URL pattern and every query parameter the site reads.

Bounded and in-process (Django's test client): no 500, no stack trace, no reflected markup,
no open redirect, no injected header. New URL patterns and new ``request.GET`` reads are
picked up automatically.
"""

import re
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, resolve

pytestmark = pytest.mark.django_db

HOSTILE = [
    "-1",
    "0",
    "99999999999999999999999999999999",
    "1e309",
    "abc",
    "1.5",
    "１２",
    "x" * 10240,
    "\x00",
    "1\x00",
    "中文😀\u202e\ufeff",
    "../../../../etc/passwd",
    "..%2f..%2f..%2fetc%2fpasswd",
    "' OR '1'='1' --",
    "1; DROP TABLE news_article;--",
    '1" UNION SELECT password FROM auth_user--',
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "//evil.example/",
    "https://evil.example/",
    "/\\evil.example",
    "\r\nSet-Cookie: owned=1",
    "%",
    "{{ settings.SECRET_KEY }}",
]
MARKUP = ["<script>alert(1)</script>", "<img src=x onerror", "<svg/onload"]
STACK_TRACE = ["Traceback (most recent call last)", 'File "/', "django.core.exceptions", "Exception Value"]

_CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>\w+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


def public_patterns(resolver=None, prefix="", namespace=""):
    """(route, url name) of every public pattern: everything but the admin and media."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern).lstrip("^").rstrip("$")
        if route.startswith(settings.ADMIN_URL) or route.startswith("media/"):
            continue
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from public_patterns(entry, route, inner)
        elif isinstance(entry, URLPattern):
            yield route, f"{namespace}{entry.name}" if entry.name else route


# Addresses that answer the public with a 404 by design (staff previews).
STAFF_ONLY = {"news:article-preview"}


def sample_kwargs() -> dict[str, dict]:
    """Real arguments for each named pattern, from every model with a public address."""
    samples = {}
    for model in apps.get_models():
        if not hasattr(model, "get_absolute_url"):
            continue
        manager = getattr(model.objects, "published", None)
        queryset = manager() if callable(manager) else model.objects.all()
        obj = queryset.first()
        if obj is None:
            continue
        try:
            match = resolve(urlsplit(obj.get_absolute_url()).path)
        except Exception:  # a model whose address is not ours (a redirect, an outside link)
            continue
        samples.setdefault(match.view_name, match.kwargs)
    # Patterns that no model's get_absolute_url() names: a real value from the demo content.
    samples.setdefault("publications:year", {"year": 2024})
    # A publication's PDF views take the id of its page (ids differ between databases).
    for name in ("publications:read", "publications:download"):
        if "publications:detail" in samples:
            samples.setdefault(name, samples["publications:detail"])
    samples.setdefault("news:article-preview", samples.get("news:article", {"pk": 1}) and {"pk": samples["news:article"]["pk"]})
    attachment = apps.get_model("news", "Attachment").objects.filter(
        article__in=apps.get_model("news", "Article").objects.published()
    ).first()
    if attachment:
        samples.setdefault("news:attachment", {"pk": attachment.pk})
    samples.setdefault("feed-channel", {"slug": "org"})
    samples.setdefault("feed-channel-atom", {"slug": "org"})
    samples.setdefault("sitemap-section", {"section": "articles"})
    return samples


def fill(route: str, values: dict) -> str:
    def one(match):
        return quote(str(values.get(match["name"], "1")), safe="")

    path = _CONVERTER.sub(one, route)
    path = _REGEX_GROUP.sub(one, path)
    return "/" + path.replace("\\", "")


def query_parameters() -> set[str]:
    """Every GET parameter the project's code reads, plus the ones Django's views read."""
    names = {"page", "q", "size", "contrast", "next"}
    pattern = re.compile(r"""request\.GET(?:\.get|\.getlist|\.__getitem__)?[\[(]\s*["'](\w+)["']""")
    root = Path(settings.BASE_DIR)
    for source in root.glob("*/**/*.py"):
        if ".venv" in source.parts or "tests" in source.parts or "var" in source.parts:
            continue
        names |= set(pattern.findall(source.read_text(encoding="utf-8", errors="ignore")))
    return names


def assert_safe(response, label):
    assert response.status_code < 500, f"{label}: {response.status_code}"
    body = response.content.decode("utf-8", errors="replace") if not response.streaming else ""
    for marker in STACK_TRACE:
        assert marker not in body, f"{label}: stack trace in the page"
    if "html" in response.get("Content-Type", "") or "xml" in response.get("Content-Type", ""):
        for marker in MARKUP:
            assert marker not in body, f"{label}: reflected markup {marker!r}"
    assert "owned" not in response.cookies, f"{label}: injected header"
    location = response.get("Location", "")
    if location:
        target = urlsplit(location)
        assert target.netloc in ("", "testserver"), f"{label}: open redirect to {location!r}"
        assert not location.startswith(("//", "/\\", "javascript:")), f"{label}: {location!r}"
    assert settings.SECRET_KEY not in body


@pytest.fixture
def demo():
    call_command("load_demo", verbosity=0)


def test_the_fuzz_covers_the_site(demo):
    routes = dict(public_patterns())
    assert "" in routes and "news/<slug:channel>/<id:pk>/" in routes
    assert {"news:article", "members:branch", "projects:programme"} <= set(sample_kwargs())
    assert {"page", "q", "size", "contrast", "next"} <= query_parameters()


def test_hostile_path_segments_on_every_public_pattern(client, demo):
    samples = sample_kwargs()
    for route, name in public_patterns():
        params = [m["name"] for m in _CONVERTER.finditer(route)] + [
            m["name"] for m in _REGEX_GROUP.finditer(route)
        ]
        valid = samples.get(name, {})
        response = client.get(fill(route, valid))
        assert_safe(response, f"{route} (valid)")
        # The real address works, so the hostile variants below exercise the view itself.
        expected = (404,) if name in STAFF_ONLY or name not in samples and name == "news:attachment" else (200, 301, 302)
        assert response.status_code in expected, f"{route}: {response.status_code}"
        for param in params:
            for value in HOSTILE:
                path = fill(route, {**valid, param: value})
                assert_safe(client.get(path), f"{route} {param}={value[:40]!r}")
        # Hostile text after the pattern, and in place of its literal parts.
        for value in HOSTILE[::3]:
            assert_safe(client.get(fill(route, valid) + quote(value, safe="") + "/"), f"{route}+{value[:40]!r}")


def test_hostile_query_parameters_on_every_public_page(client, demo):
    samples = sample_kwargs()
    parameters = sorted(query_parameters())
    for route, name in public_patterns():
        page = fill(route, samples.get(name, {}))
        for value in HOSTILE:
            for parameter in parameters:
                assert_safe(client.get(page, {parameter: value}), f"{page}?{parameter}={value[:40]!r}")
            # All at once, and a parameter given twice.
            assert_safe(client.get(page, {p: value for p in parameters}), f"{page}?*={value[:40]!r}")
            assert_safe(client.get(page, {"page": ["2", value]}), f"{page}?page=2&page={value[:40]!r}")


def test_hostile_cookies_and_headers(client, demo):
    client.cookies["textsize"] = '"><script>alert(1)</script>'
    client.cookies["contrast"] = "x" * 4000
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="<script>", HTTP_USER_AGENT="\x00' OR 1=1")
    assert_safe(response, "cookies")
    assert response.status_code == 200
    assert 'class="text-md contrast-normal"' in response.content.decode()


def test_a_forged_host_header_gets_the_chinese_400_page(client):
    response = client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    text = response.content.decode()
    assert "这个请求无法处理" in text and "evil.example" not in text


@pytest.mark.parametrize("url", ["/news/a%00b/", "/search%00/"])
def test_a_nul_character_in_the_path_is_a_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "请求无效" in response.content.decode()
    assert response["Permissions-Policy"] and response["Content-Security-Policy"]


@pytest.mark.django_db
@pytest.mark.parametrize("query, expected", [({"q": "富\x00硒"}, "富硒"), ({"q": "\x00"}, "")])
def test_nul_characters_are_dropped_from_query_values(client, query, expected):
    from django.test import RequestFactory

    from yanan_portal.middleware import NullByteMiddleware

    seen = {}

    def view(request):
        seen["q"] = request.GET["q"]
        from django.http import HttpResponse

        return HttpResponse("ok")

    request = RequestFactory().get("/search/", query)
    assert NullByteMiddleware(view)(request).status_code == 200
    assert seen["q"] == expected
    assert client.get("/search/", query).status_code == 200
