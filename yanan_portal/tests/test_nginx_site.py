"""deploy/nginx/portal.conf, as written, in front of two production gunicorn instances.

The site file is used with only its machine-specific parts replaced (ports, folders, the
certificate: a self-signed one), so what is checked here is what a new server runs: HTTPS and
the redirect to it, gzip, static files and media with their cache headers, protected files
only through their views (X-Accel-Redirect), the upstream moving to the other instance when
one stops, and nginx's own error pages in Chinese.

Runs in .ci/run (nginx from Debian, PostgreSQL, Redis); elsewhere skipped when nginx or
PostgreSQL is missing.
"""

import gzip
import http.client
import os
import re
import shutil
import ssl
import subprocess
import sys
import time
import urllib.parse
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from news.models import Article
from news.tests.factories import ArticleFactory, AttachmentFactory, ChannelFactory

from . import servers

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

HOST = "www.example.cn"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
PDF = b"%PDF-1.4\n%nginx-site\n%%EOF\n"


def _site_conf(static_root: Path, media_root: Path, cert: Path, key: Path, ports: dict, upstreams: list[int], logs: Path) -> str:
    """The site file with this machine's ports, folders and certificate; each replacement
    must apply, so a change of the file's shape fails here instead of going untested."""
    conf = (Path(settings.BASE_DIR) / "deploy" / "nginx" / "portal.conf").read_text()
    replacements = [
        ("listen 80;", f"listen 127.0.0.1:{ports['http']};"),
        ("listen [::]:80;", ""),
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{ports['https']} ssl http2;"),
        ("listen [::]:443 ssl http2;", ""),
        ("server 127.0.0.1:8001 ", f"server 127.0.0.1:{upstreams[0]} "),
        ("server 127.0.0.1:8002 ", f"server 127.0.0.1:{upstreams[1]} "),
        ("/etc/letsencrypt/live/www.example.cn/fullchain.pem", str(cert)),
        ("/etc/letsencrypt/live/www.example.cn/privkey.pem", str(key)),
        ("ssl_stapling on;", "ssl_stapling off;"),  # a self-signed certificate has no OCSP responder
        ("ssl_stapling_verify on;", ""),
        ("/srv/portal/var/static/", f"{static_root}/"),
        ("/srv/portal/var/media/", f"{media_root}/"),
        ("/var/log/nginx/portal.access.log", str(logs / "access.log")),
        ("/var/log/nginx/portal.error.log", str(logs / "error.log")),
    ]
    for old, new in replacements:
        assert old in conf, f"deploy/nginx/portal.conf no longer contains {old!r}"
        conf = conf.replace(old, new)
    directives = "\n".join(line.split("#")[0] for line in conf.splitlines())
    assert "/srv/portal" not in directives and ":8001" not in directives
    return conf


def _main_conf(work: Path) -> str:
    """What Debian's /etc/nginx/nginx.conf gives a site in sites-enabled/."""
    temp = " ".join(f"{kind}_temp_path {work / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    user = "user root;" if os.geteuid() == 0 else ""  # workers must read the test's private folders
    return (
        f"{user}\nworker_processes 1;\npid {work / 'nginx.pid'};\nerror_log {work / 'nginx-error.log'};\n"
        "events { worker_connections 256; }\n"
        "http {\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n"
        f"  sendfile on;\n  {temp}\n  include {work / 'portal.conf'};\n}}\n"
    )


class Client:
    """HTTPS to the test nginx with the site's host name, trusting its own certificate."""

    def __init__(self, port: int, cert: Path):
        self.port = port
        self.context = ssl.create_default_context(cafile=str(cert))
        self.context.check_hostname = False  # the connection goes to 127.0.0.1; the chain is still verified

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        connection_ = http.client.HTTPSConnection("127.0.0.1", self.port, context=self.context, timeout=30)
        try:
            path = urllib.parse.quote(path, safe="/?=&%")
            connection_.request(method, path, body=body, headers={"Host": HOST, **(headers or {})})
            response = connection_.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection_.close()

    def get(self, path: str, **headers):
        return self.request("GET", path, headers=headers)


def _error_page(html: str) -> str:
    """The heading of nginx's error page, which must show one status's text, not all of them."""
    assert "<!--#" not in html, "SSI not applied"
    headings = re.findall(r"<h1>(.*?)</h1>", html)
    assert len(headings) == 1, headings
    return headings[0]


def _curl_http2(port: int, path: str) -> tuple[int, str, str]:
    """(status, HTTP version, body) of a GET over HTTP/2; Python's http.client speaks only 1.1."""
    result = subprocess.run(
        ["curl", "-sk", "--http2", "--resolve", f"{HOST}:{port}:127.0.0.1", "-w", "\n%{http_code} %{http_version}",
         f"https://{HOST}:{port}{path}"],
        capture_output=True, text=True, timeout=30,
    )
    body, _, tail = result.stdout.rpartition("\n")
    status, version = tail.split()
    return int(status), version, body


@pytest.fixture
def nginx_site(shared_redis, settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (runs in .ci/run)")
    if not os.path.exists(NGINX):
        if os.environ.get("CI"):
            pytest.fail("nginx is missing: .ci/run installs Debian's nginx")
        pytest.skip("nginx 未安装")
    static_root, media_root = tmp_path / "static", Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    env = {
        "DEBUG": "0",
        "PORTAL_LOCAL": "0",
        "HTTPS": "on",
        "SECRET_KEY": "nginx-site-test-" + uuid.uuid4().hex + uuid.uuid4().hex,
        "ALLOWED_HOSTS": f"{HOST},127.0.0.1",
        "CSRF_TRUSTED_ORIGINS": f"https://{HOST}",
        "SITE_URL": f"https://{HOST}",
        "DATABASE_URL": servers.database_url(),
        "CACHE_URL": servers.REDIS_URL,
        "CACHE_KEY_PREFIX": shared_redis,
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(media_root),
        "SERVE_MEDIA": "0",
        "MEDIA_ACCEL_REDIRECT": "1",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_ACCESS_LOG": "",
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=settings.BASE_DIR, env={**os.environ, **env}, check=True,
    )
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={HOST}",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    with servers.gunicorn_instances(("a", "b"), env, tmp_path) as running:
        ports = {"http": servers.free_port(), "https": servers.free_port()}
        upstreams = [int(base.rsplit(":", 1)[1]) for _, base in running.values()]
        (tmp_path / "portal.conf").write_text(_site_conf(static_root, media_root, cert, key, ports, upstreams, tmp_path))
        (tmp_path / "nginx.conf").write_text(_main_conf(tmp_path))
        startup_log = ["-e", str(tmp_path / "nginx-startup.log")]  # not Debian's /var/log/nginx
        checked = subprocess.run([NGINX, *startup_log, "-t", "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        nginx = subprocess.Popen([NGINX, *startup_log, "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"])
        try:
            client = Client(ports["https"], cert)
            deadline = time.monotonic() + 20
            while True:
                try:
                    if client.get("/healthz")[0] == 200:
                        break
                except OSError:
                    pass
                assert nginx.poll() is None and time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.2)
            yield {"client": client, "http_port": ports["http"], "instances": running, "static_root": static_root, "media_root": media_root}
        finally:
            servers.stop(nginx)


def test_the_nginx_site_serves_the_portal_over_https(nginx_site):
    client = nginx_site["client"]
    channel = ChannelFactory(slug="work", name="工作动态")
    article = ArticleFactory(channel=channel, title="经由 nginx 读到的文章")

    # Plain HTTP moves to HTTPS, keeping the address.
    plain = http.client.HTTPConnection("127.0.0.1", nginx_site["http_port"], timeout=10)
    plain.request("GET", "/news/work/", headers={"Host": HOST})
    moved = plain.getresponse()
    assert moved.status == 301 and moved.getheader("Location") == f"https://{HOST}/news/work/"
    assert moved.getheader("Server") == "nginx"  # no version
    plain.close()

    # Pages: from the app servers, compressed, with the app's security headers.
    status, headers, body = client.get(article.get_absolute_url(), **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("content-encoding") == "gzip"
    page = gzip.decompress(body).decode()
    assert "经由 nginx 读到的文章" in page
    assert headers["strict-transport-security"].startswith("max-age=31536000")
    assert headers["server"] == "nginx"
    assert "content-security-policy" in headers

    # The bare name over HTTPS moves to www, keeping the address: one address per page.
    status, headers, _ = client.request("GET", "/news/work/?page=2", headers={"Host": "example.cn"})
    assert status == 301 and headers["location"] == f"https://{HOST}/news/work/?page=2"
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains; preload"

    # Static files: the hashed names the page links to, cached for a year, precompressed.
    stylesheet = re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', page).group(1)
    status, headers, body = client.get(stylesheet, **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert b"--brand" in gzip.decompress(body)

    # Photos: served by nginx for 30 days, never as a page even if an HTML file got in.
    photos = nginx_site["media_root"] / "photos"
    photos.mkdir(exist_ok=True)
    (photos / "p.jpg").write_bytes(b"\xff\xd8\xff\xe0fake-jpeg")
    (photos / "p.html").write_text("<script>alert(1)</script>")
    status, headers, body = client.get("/media/photos/p.jpg")
    assert status == 200 and headers["content-type"] == "image/jpeg" and body.startswith(b"\xff\xd8")
    assert headers["cache-control"] == "public, max-age=2592000"
    assert headers["x-content-type-options"] == "nosniff"
    status, headers, _ = client.get("/media/photos/p.html")
    assert headers["content-type"] == "application/octet-stream"
    assert "sandbox" in headers["content-security-policy"]


def test_protected_files_only_through_their_views(nginx_site):
    client = nginx_site["client"]
    published = AttachmentFactory(file__filename="公开通知.pdf", file__data=PDF, name="公开通知.pdf")
    draft = AttachmentFactory(
        article=ArticleFactory(status=Article.Status.DRAFT, published_at=None),
        file__filename="内部通知.pdf", file__data=PDF, name="内部通知.pdf",
    )
    for attachment in (published, draft):
        assert client.get("/media/" + attachment.file.name)[0] == 404
        assert client.get("/protected-media/" + attachment.file.name)[0] == 404  # internal only
    status, headers, body = client.get(f"/news/attachments/{published.pk}/")
    assert status == 200 and body == PDF  # the view decided, nginx sent the bytes
    assert "x-accel-redirect" not in headers
    assert headers["content-disposition"].startswith("attachment;")
    assert client.get(f"/news/attachments/{draft.pk}/")[0] == 404


def test_nginx_moves_to_the_other_instance_and_explains_its_own_errors_in_chinese(nginx_site):
    client = nginx_site["client"]
    ChannelFactory(slug="work", name="工作动态")

    # A form larger than client_max_body_size: nginx's 413, in Chinese, without reading the body.
    upload = http.client.HTTPSConnection("127.0.0.1", client.port, context=client.context, timeout=10)
    upload.putrequest("POST", "/admin/news/article/add/", skip_host=True)
    upload.putheader("Host", HOST)
    upload.putheader("Content-Type", "multipart/form-data; boundary=x")
    upload.putheader("Content-Length", str(111 * 1024 * 1024))  # publication PDFs may be 100 MB
    upload.endheaders()
    response = upload.getresponse()
    assert response.status == 413
    assert _error_page(response.read().decode()) == "上传的文件太大"
    upload.close()

    # An address longer than nginx reads: its 414, in Chinese. A long one below that limit
    # reaches Django (gunicorn's limit_request_line) and gets the portal's own 404 page.
    status, _, body = client.get("/news/" + "x" * 9000)
    assert status == 414 and _error_page(body.decode()) == "网址太长,无法打开"
    status, _, body = client.get("/news/" + "x" * 6000 + "/")
    assert status == 404 and "延安市老区建设促进会" in body.decode()
    # The same over HTTP/2, as phones connect.
    for length, expected_status, expected_text in ((9000, 414, "网址太长,无法打开"), (6000, 404, "延安市老区建设促进会")):
        status, version, body = _curl_http2(client.port, "/news/" + "x" * length + "/")
        assert (version, status) == ("2", expected_status) and expected_text in body

    # nginx's own 404s (a missing static file, a refused media folder) are Chinese too.
    # So is the error page's own source, which holds all four messages and nginx's SSI.
    for path in ("/static/css/no-such-file.css", "/media/attachments/2026/01/x.pdf", "/static/errors/error.html"):
        status, _, body = client.get(path)
        assert status == 404 and _error_page(body.decode()) == "页面不存在"
        assert "上传的文件太大" not in body.decode() and "<!--#" not in body.decode()

    # One instance stops: readers do not notice.
    (process_a, _), (process_b, _) = nginx_site["instances"]["a"], nginx_site["instances"]["b"]
    servers.stop(process_a)
    for _ in range(6):
        status, _, body = client.get("/news/work/")
        assert status == 200 and "工作动态" in body.decode()

    # Both stop: nginx's 502, as a Chinese page that needs nothing else to show.
    servers.stop(process_b)
    status, headers, body = client.get("/news/work/")
    assert status == 502
    page = body.decode()
    assert _error_page(page) == "网站暂时无法访问" and "<script" not in page and "src=" not in page
    assert headers["cache-control"] == "no-store"
