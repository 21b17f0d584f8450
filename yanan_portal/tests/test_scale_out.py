"""Scale-out on one machine: two gunicorn instances, one PostgreSQL, one Redis, one media folder.

Runs in .ci/run (PostgreSQL and Redis up); skipped on SQLite.
"""

import http.cookiejar
import re
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse

from news.models import Article, Attachment
from news.tests.factories import ArticleFactory, ChannelFactory

from . import servers

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class Browser:
    """A cookie-keeping HTTP client with no redirects followed (stdlib only)."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), self._NoRedirect()
        )

    def request(self, url, data=None, headers=None):
        request = urllib.request.Request(url, data=data, headers={"User-Agent": "Mozilla/5.0 (iPhone) MicroMessenger", **(headers or {})})
        try:
            with self.opener.open(request, timeout=20) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def cookie(self, name):
        return next((c.value for c in self.jar if c.name == name), None)


class _FormFields(HTMLParser):
    """The default values of a form's fields, as a browser would submit them."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "file", "button", "image"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields[name] = attrs.get("value") or ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and ("selected" in attrs or self._select not in self.fields):
            if "selected" in attrs or attrs.get("value", "") == "":
                self.fields[self._select] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.fields[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes, str]]):
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content, content_type) in files.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n".encode() + content + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@pytest.fixture
def two_instances(shared_redis, settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (runs in .ci/run)")
    media = settings.MEDIA_ROOT
    media.mkdir(parents=True, exist_ok=True)
    env = {
        "DEBUG": "0",
        "PORTAL_LOCAL": "1",
        "HTTPS": "off",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": servers.database_url(),
        "CACHE_URL": servers.REDIS_URL,
        "CACHE_KEY_PREFIX": shared_redis,
        "MEDIA_ROOT": str(media),
        "SERVE_MEDIA": "1",  # nginx serves the shared folder in production (test_nginx_site.py)
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_ACCESS_LOG": str(tmp_path / "access.log"),
    }
    with servers.gunicorn_instances(("a", "b"), env, tmp_path) as running:
        yield running["a"][1], running["b"][1]


def test_two_instances_share_pages_sessions_and_uploads(two_instances):
    a, b = two_instances
    channel = ChannelFactory(slug="work", name="工作动态")
    ArticleFactory(channel=channel, title="第一篇文章")
    reader = Browser()

    # B caches the channel page.
    status, _, body = reader.request(b + "/news/work/")
    assert status == 200 and "第一篇文章" in body.decode()
    status, headers, _ = reader.request(b + "/news/work/")
    assert headers.get("X-Page-Cache") == "hit"

    # Log in on A; the session is valid on B.
    get_user_model().objects.create_superuser("publisher", password="a-long-test-password-9")
    staff = Browser()
    status, _, body = staff.request(a + "/admin/login/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token, "username": "publisher", "password": "a-long-test-password-9", "next": "/admin/"}
    ).encode()
    status, headers, _ = staff.request(a + "/admin/login/", data=form, headers={"Referer": a + "/admin/login/"})
    assert status == 302, "login on A failed"
    status, _, body = staff.request(b + "/admin/")
    assert status == 200 and "内容管理" in body.decode()

    # Publish an article with an attachment through A's admin.
    status, _, body = staff.request(a + "/admin/news/article/add/")
    assert status == 200
    parser = _FormFields()
    parser.feed(body.decode())
    fields = parser.fields
    fields.update(
        {
            "title": "经由甲服务器发布的文章",
            "channel": str(channel.pk),
            "summary": "两台服务器共享数据库、缓存和上传目录。",
            "body": "<p>正文</p>",
            "attachments-0-name": "会议纪要.pdf",
        }
    )
    # The state is never a form field: the article is saved as a draft, then published below.
    for name in [n for n in fields if n.startswith(("status", "published_at"))]:
        del fields[name]
    payload, content_type = _multipart(fields, {"attachments-0-file": ("会议纪要.pdf", PDF, "application/pdf")})
    status, headers, body = staff.request(
        a + "/admin/news/article/add/", data=payload, headers={"Content-Type": content_type, "Referer": a + "/admin/news/article/add/"}
    )
    assert status == 302, re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', body.decode(), re.S)
    article = Article.objects.get(title="经由甲服务器发布的文章")
    transition = a + f"/admin/news/article/{article.pk}/transition/publish/"
    status, _, _ = staff.request(
        transition,
        data=urllib.parse.urlencode({"csrfmiddlewaretoken": fields["csrfmiddlewaretoken"], "comment": "两台服务器测试"}).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": transition},
    )
    assert status == 302
    article.refresh_from_db()
    assert article.is_published

    # B's cached pages show it at once.
    status, headers, body = reader.request(b + "/news/work/")
    assert "经由甲服务器发布的文章" in body.decode()
    status, _, body = reader.request(b + article.get_absolute_url())
    assert status == 200 and "会议纪要.pdf" in body.decode()

    # The file uploaded through A is served by B.
    attachment = Attachment.objects.get(article=article)
    status, _, body = reader.request(b + reverse("news:attachment", args=[attachment.pk]))
    assert status == 200 and body == PDF

    # 浏览量 counted on both instances, gathered in the shared Redis, written to the database.
    from yanan_portal.cache import flush_view_counts

    for base in (a, b, a, b):
        status, _, _ = reader.request(base + article.get_absolute_url())
        assert status == 200
    deadline = time.monotonic() + 15
    while True:
        flush_view_counts()
        article.refresh_from_db()
        if article.views == 5 or time.monotonic() > deadline:
            break
        time.sleep(0.5)  # an instance may be writing a batch it took first
    assert article.views == 5
