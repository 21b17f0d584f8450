"""What a new server must do once the 部署 steps ran; runs inside the check's container
with Debian's python3 (standard library only).

    python3 checks.py served              the site through nginx, both instances, an editor's photo
                                          upload (its address is written to /root/photo.txt)
    python3 checks.py answers PATH STATUS a reader's request for PATH through nginx answers STATUS
    python3 checks.py contains PATH TEXT  … answers 200 with TEXT in the page
    python3 checks.py reader FILE         the home page until FILE exists; fails on any answer but 200
"""

import http.client
import json
import re
import ssl
import struct
import sys
import time
import uuid
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from steps import ADMIN_PASSWORD, ADMIN_USER, CERT_DIR  # noqa: E402

HOST = "www.example.cn"
TLS = ssl.create_default_context(cafile=f"{CERT_DIR}/fullchain.pem")
TLS.check_hostname = False  # connects to 127.0.0.1; the chain is still verified


class Browser:
    """HTTPS to nginx on 127.0.0.1 with the site's host name, keeping cookies."""

    def __init__(self):
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPSConnection("127.0.0.1", 443, context=TLS, timeout=30)
        headers = {"Host": HOST, "User-Agent": "deploy-check", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def get(self, path):
        return self.request("GET", path)

    def post_form(self, path, fields, files=()):
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
        for name, filename, content_type, data in files:
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: {content_type}\r\n\r\n".encode() + data + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request("POST", path, body, {
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Referer": f"https://{HOST}{path}",
        })


def csrf_token(html: bytes) -> str:
    match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "no CSRF token in the form"
    return match.group(1).decode()


def png(width=64, height=48) -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + bytes((180, 40, 40)) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def check(label, condition, detail=""):
    print(("ok   " if condition else "FAIL ") + label + (f": {detail}" if detail and not condition else ""))
    if not condition:
        sys.exit(1)


def plain_http(port, path):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": HOST})
        response = connection.getresponse()
        return response.status, response.getheader("Location"), response.read()
    finally:
        connection.close()


def served():
    status, location, _ = plain_http(80, "/news/")
    check("http:// moves to https://", status == 301 and location == f"https://{HOST}/news/", f"{status} {location}")
    for port in (8001, 8002):
        status, _, body = plain_http(port, "/healthz")
        check(f"gunicorn instance {port} answers /healthz", status == 200 and b'"ok"' in body, f"{status} {body[:80]!r}")

    status, headers, _ = Browser().request("GET", "/news/", headers={"Host": "example.cn"})
    check("https://example.cn/ moves to www", status == 301 and headers.get("location") == f"https://{HOST}/news/",
          f"{status} {headers.get('location')}")

    browser = Browser()
    status, headers, body = browser.get("/")
    check("home page over HTTPS", status == 200 and "延安".encode() in body, str(status))
    check("HSTS on pages", "max-age=" in headers.get("strict-transport-security", ""))
    check("no nginx version shown", headers.get("server") == "nginx", headers.get("server", ""))
    stylesheet = re.search(rb'href="(/static/[^"]+\.css)"', body)
    check("the home page links its stylesheet", stylesheet is not None)
    status, headers, _ = browser.get(stylesheet.group(1).decode())
    check("static files from nginx with a year's caching", status == 200 and "immutable" in headers.get("cache-control", ""),
          f"{status} {headers.get('cache-control')}")
    status, _, body = browser.get("/no-such-page/")
    check("a missing page is the site's Chinese 404", status == 404 and "页面".encode() in body, str(status))

    # An editor's journey through the admin: log in, upload a photo, see it served by nginx.
    status, _, body = browser.get("/admin/login/")
    check("admin login page", status == 200, str(status))
    status, headers, _ = browser.post_form("/admin/login/", {
        "csrfmiddlewaretoken": csrf_token(body), "username": ADMIN_USER, "password": ADMIN_PASSWORD, "next": "/admin/",
    })
    check("the administrator logs in", status == 302 and headers.get("location") == "/admin/", f"{status} {headers.get('location')}")
    picker = "/admin/news/article/photo-picker/"
    status, _, body = browser.get(picker)
    check("the photo picker opens", status == 200, str(status))
    status, _, body = browser.post_form(
        picker, {"csrfmiddlewaretoken": csrf_token(body), "alt": "部署检查的照片", "caption": ""},
        files=[("image", "check.png", "image/png", png())],
    )
    photo = re.search(rb'(/media/photos/[^"\' ]+\.(?:jpg|png|webp))', body)
    check("the photo upload is accepted", status == 200 and photo is not None, f"{status} {body[:300]!r}")
    status, headers, _ = Browser().get(photo.group(1).decode())
    check("nginx serves the uploaded photo to a reader", status == 200 and headers.get("content-type", "").startswith("image/"),
          f"{photo.group(1).decode()}: {status} {headers.get('content-type')}")
    Path("/root/photo.txt").write_text(photo.group(1).decode())


def answers(path, expected):
    status, _, _ = Browser().get(path)
    check(f"{path} answers {expected}", status == int(expected), str(status))


def contains(path, text):
    status, _, body = Browser().get(path)
    check(f"{path} shows {text}", status == 200 and text.encode() in body, str(status))


def reader(stop_file):
    """The home page, over and over, until stop_file exists: every answer must be a 200."""
    requests, failures = 0, []
    stop = Path(stop_file)
    while not stop.exists():
        try:
            status, _, _ = Browser().get("/")
        except OSError as error:
            status = repr(error)
        requests += 1
        if status != 200:
            failures.append(status)
        time.sleep(0.02)
    print(json.dumps({"answers": requests, "failures": failures[:20], "failed": len(failures)}))
    check(f"no failed request during the update ({requests} requests)", not failures and requests > 50, str(failures[:5]))


if __name__ == "__main__":
    {"served": served, "answers": answers, "contains": contains, "reader": reader}[sys.argv[1]](*sys.argv[2:])
