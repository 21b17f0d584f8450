"""Oversize requests, inert media, and saves that fail half-way."""

import io
import os
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import Client
from django.urls import reverse
from PIL import Image

from news.models import Article, Attachment
from news.tests.factories import ChannelFactory
from projects.tests.factories import ProgrammeFactory
from yanan_portal import uploads
from yanan_portal.security_views import serve_media

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client):
    client.force_login(User.objects.create_superuser("guanli", password="x"))
    return client


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return buffer.getvalue()


def article_form(channel, **extra):
    data = {
        "title": "上传测试",
        "channel": channel.pk,
        "summary": "",
        "body": "<p>正文</p>",
        "source": "延安市老促会",
        "attachments-TOTAL_FORMS": "1",
        "attachments-INITIAL_FORMS": "0",
        "attachments-MIN_NUM_FORMS": "0",
        "attachments-MAX_NUM_FORMS": "1000",
        "attachments-0-name": "",
        "attachments-0-order": "0",
    }
    data.update(extra)
    return data


def media_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- Oversize requests --------------------------------------------------------------


def test_an_oversize_form_gets_a_chinese_400_page(editor_client, settings):
    channel = ChannelFactory()
    body = "<p>" + "长" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 3 + 10) + "</p>"
    response = editor_client.post(reverse("admin:news_article_add"), article_form(channel, body=body))
    assert response.status_code == 400
    text = response.content.decode().replace("\xa0", " ")
    assert "提交的内容太大(超过 5.0 MB)" in text and "最常见的原因是正文里直接粘贴了照片" in text
    assert re.findall(r"<h1>(.*?)</h1>", text) == ["抱歉,这个请求无法处理"]
    assert Article.objects.count() == 0
    # The way back to the editing page, not only to the public home page.
    assert "请点浏览器的“返回”按钮回到编辑页面" in text
    assert f'<a class="button" href="{reverse("admin:news_article_add")}">重新打开编辑页面</a>' in text
    # In the admin's look (its header and stylesheet), not the public site's, and without a query:
    # the user tools and side menu that would need the database are left out.
    assert '<div id="site-name"><a href="/admin/">延安市老促会 网站管理</a></div>' in text
    assert "admin/css/base" in text and "css/site" not in text and "返回网站首页" not in text
    assert 'id="nav-sidebar"' not in text and 'id="user-tools"' not in text


def test_the_admin_400_page_needs_no_database_of_its_own(settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # As in production: the CSRF check reads the body first, so the form is refused before the
    # admin has looked at the user; the page itself must not load them (nor the side menu).
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.create_superuser("guanli", password="x"))
    client.cookies["csrftoken"] = "a" * 32
    body = "<p>" + "长" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 3 + 10) + "</p>"
    data = {**article_form(ChannelFactory(), body=body), "csrfmiddlewaretoken": "a" * 32}
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("admin:news_article_add"), data)
    assert response.status_code == 400
    assert "重新打开编辑页面" in response.content.decode()
    # Only the session middleware's (the staff session's expiry moves on with every request).
    tables = {table for query in queries for table in re.findall(r'(?:FROM|UPDATE|INTO) "(\w+)"', query["sql"])}
    assert tables <= {"django_session"}, tables


@pytest.fixture
def csrf_client():
    # As in production, the CSRF check reads the body of every POST, so a size limit
    # applies before any view runs.
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32
    return client


def test_a_post_without_csrf_token_gets_a_chinese_page():
    response = Client(enforce_csrf_checks=True).post("/", {"x": "1"})
    assert response.status_code == 403
    text = response.content.decode()
    assert "页面已过期,提交没有成功" in text and 'href="/">返回网站首页' in text and "编辑页面" not in text


def test_an_admin_form_with_an_old_csrf_token_gets_the_way_back_in_the_admins_look():
    """The page was open across a new login (which changes the token), or the cookies were
    cleared: the editor is told that nothing was saved and how to get the text back."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.create_superuser("guanli", password="x"))
    client.cookies["csrftoken"] = "a" * 32
    programme = ProgrammeFactory()
    url = reverse("admin:projects_programme_change", args=[programme.pk])
    response = client.post(url, {"csrfmiddlewaretoken": "b" * 32, "name": "改过的名称"})
    assert response.status_code == 403
    text = response.content.decode()
    assert re.findall(r"<h1>(.*?)</h1>", text) == ["抱歉,页面已过期,提交没有成功"]
    assert "<title>页面已过期 | 延安市老促会 网站管理</title>" in text
    assert "恢复这些内容" in text and f'<a class="button" href="{url}">重新打开编辑页面</a>' in text
    assert '<div id="site-name"><a href="/admin/">延安市老促会 网站管理</a></div>' in text
    assert "返回网站首页" not in text and 'id="user-tools"' not in text
    programme.refresh_from_db()
    assert programme.name != "改过的名称"


@pytest.mark.parametrize(
    "url, heading, link",
    [
        ("/admin/login/?next=/admin/news/article/", "抱歉,页面已过期,没有登录成功", '<a class="button" href="/admin/login/?next=/admin/news/article/">重新打开登录页面</a>'),
        ("/admin/logout/", "抱歉,页面已过期,没有退出登录", '<a class="button" href="/admin/">打开后台首页</a>'),
    ],
)
def test_the_admin_login_and_logout_with_an_old_csrf_token_say_what_to_do(url, heading, link):
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32
    response = client.post(url, {"csrfmiddlewaretoken": "b" * 32, "username": "guanli", "password": "x"})
    assert response.status_code == 403
    text = response.content.decode()
    assert re.findall(r"<h1>(.*?)</h1>", text) == [heading] and link in text
    assert "恢复这些内容" not in text


def test_an_oversize_public_post_is_refused_the_same_way(csrf_client, settings):
    client = csrf_client
    response = client.post("/", {"x": "a" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)})
    assert response.status_code == 400
    assert "提交的内容太大" in response.content.decode()
    assert "编辑页面" not in response.content.decode() and 'href="/">返回网站首页' in response.content.decode()


def test_too_many_fields_get_a_chinese_400_page(csrf_client, settings):
    client = csrf_client
    fields = {f"f{i}": "1" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = client.post("/", fields)
    assert response.status_code == 400
    assert "一次提交的项目或文件太多" in response.content.decode()


def test_an_oversize_attachment_is_refused_with_a_clear_message(editor_client, settings, monkeypatch):
    monkeypatch.setattr(uploads, "ATTACHMENT_MAX_BYTES", 1024)
    channel = ChannelFactory()
    big = SimpleUploadedFile("年报.pdf", b"%PDF-1.4\n" + b"0" * 4096, content_type="application/pdf")
    response = editor_client.post(reverse("admin:news_article_add"), article_form(channel, **{"attachments-0-file": big}))
    assert response.status_code == 200
    assert "文件太大(4.0 KB),请不要超过 1.0 KB。" in response.content.decode().replace("\xa0", " ")
    assert Article.objects.count() == 0 and Attachment.objects.count() == 0
    assert media_files(settings) == []


def test_an_oversize_cover_is_refused_with_a_clear_message(editor_client, settings, monkeypatch):
    monkeypatch.setattr(uploads, "IMAGE_MAX_BYTES", 10)
    channel = ChannelFactory()
    cover = SimpleUploadedFile("封面.png", png_bytes(), content_type="image/png")
    response = editor_client.post(
        reverse("admin:news_article_add"), article_form(channel, cover=cover, **{"attachments-TOTAL_FORMS": "0"})
    )
    assert response.status_code == 200
    assert "图片太大" in response.content.decode()
    assert Article.objects.count() == 0
    assert media_files(settings) == []


# --- A save that fails half-way -------------------------------------------------------


def test_an_exception_mid_save_leaves_no_article_and_no_file(editor_client, settings, monkeypatch):
    channel = ChannelFactory()

    def broken_save(self, *args, **kwargs):
        raise RuntimeError("磁盘已满(模拟)")

    # The article and its cover are written first; the attachment's save then fails.
    monkeypatch.setattr(Attachment, "save", broken_save)
    editor_client.raise_request_exception = False
    data = article_form(
        channel,
        cover=SimpleUploadedFile("封面.png", png_bytes(), content_type="image/png"),
        cover_alt="红色方块",
        **{"attachments-0-file": SimpleUploadedFile("通知.pdf", b"%PDF-1.4\n%ok\n", content_type="application/pdf")},
    )
    response = editor_client.post(reverse("admin:news_article_add"), data)
    assert response.status_code == 500
    assert "网站暂时出了点问题" in response.content.decode()
    assert Article.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert media_files(settings) == [], "the cover written before the failure must be removed"


def test_a_successful_upload_keeps_its_files(editor_client, settings):
    channel = ChannelFactory()
    data = article_form(
        channel,
        cover=SimpleUploadedFile("封面.png", png_bytes(), content_type="image/png"),
        cover_alt="红色方块",
        **{"attachments-0-file": SimpleUploadedFile("通知.pdf", b"%PDF-1.4\n%ok\n", content_type="application/pdf")},
    )
    response = editor_client.post(reverse("admin:news_article_add"), data)
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.attachments.count() == 1
    stored = {str(path.relative_to(settings.MEDIA_ROOT)) for path in media_files(settings)}
    # The attachment, and the cover as re-encoded by the image pipeline (with its renditions).
    assert article.attachments.get().file.name in stored
    assert article.cover.name in stored
    assert all(name.startswith(("attachments/", "covers/")) for name in stored)


# --- Uploaded media are served inert --------------------------------------------------


@pytest.fixture
def media(settings):
    root = Path(settings.MEDIA_ROOT)
    (root / "covers").mkdir(parents=True)
    (root / "covers" / "photo.png").write_bytes(png_bytes())
    (root / "covers" / "evil.html").write_text("<script>alert(1)</script>")
    (root / "covers" / "evil.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>')
    (root / "attachments").mkdir()
    (root / "attachments" / "年报.pdf").write_bytes(b"%PDF-1.4\n")
    (root / "covers" / "年报.pdf").write_bytes(b"%PDF-1.4\n")
    (root / "secret.txt").write_text("x")
    return root


def serve(rf, settings, path):
    return serve_media(rf.get(f"/media/{path}"), path, document_root=settings.MEDIA_ROOT)


def test_images_are_shown_inline_with_nosniff(rf, settings, media):
    response = serve(rf, settings, "covers/photo.png")
    assert response["Content-Type"] == "image/png"
    assert not response.get("Content-Disposition", "inline").startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    # Long-lived, as nginx sends them: a photo never changes under its (random) name.
    assert response["Cache-Control"] == "public, max-age=2592000"


@pytest.mark.parametrize("path, filename", [
    ("covers/evil.html", "evil.html"),
    ("covers/evil.svg", "evil.svg"),
    ("covers/年报.pdf", "%E5%B9%B4%E6%8A%A5.pdf"),
])
def test_other_files_are_downloads_never_pages(rf, settings, media, path, filename):
    response = serve(rf, settings, path)
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert filename in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].endswith("sandbox")


@pytest.mark.parametrize("path", ["../secret.txt", "covers/../../etc/passwd", "/etc/passwd", "covers/",
                                  # protected: only through the views that check publication,
                                  # however the path is spelled
                                  "attachments/年报.pdf", "./attachments/年报.pdf",
                                  "covers/../attachments/年报.pdf", "covers//../attachments/年报.pdf"])
def test_media_outside_the_folder_or_listings_are_404(rf, settings, media, path):
    with pytest.raises(Http404):
        serve(rf, settings, path)


@pytest.mark.parametrize("path", ["a" * 300, "covers/" + "a" * 5000, "长" * 100 + ".jpg"])
def test_a_media_name_too_long_for_the_file_system_is_404(rf, settings, media, path):
    with pytest.raises(Http404):
        serve(rf, settings, path)


# --- Backup and restore of a local (SQLite) run; PostgreSQL: test_postgres_faults.py ----


ROOT = Path(__file__).resolve().parents[2]


def run_deploy_script(name: str, *args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([str(ROOT / "deploy" / name), *args], cwd=ROOT, env=env, capture_output=True, text=True)


def backed_up_sqlite_run(tmp_path: Path, media: Path, names: list[str]) -> tuple[dict, str]:
    """A local run (SQLite, table t holding names) backed up with its media: (its env, the archive)."""
    source = tmp_path / "portal.sqlite3"
    with sqlite3.connect(source) as db:
        db.execute("CREATE TABLE t (id integer primary key, name text)")
        db.executemany("INSERT INTO t (name) VALUES (?)", [(name,) for name in names])
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{source}", "MEDIA_ROOT": str(media),
           "BACKUP_DIR": str(tmp_path / "backups")}
    result = run_deploy_script("backup.sh", env=env)
    assert result.returncode == 0, result.stderr
    return env, result.stdout.strip().splitlines()[-1]


def test_backup_and_restore_of_a_local_sqlite_run(tmp_path):
    media = tmp_path / "media"
    (media / "covers").mkdir(parents=True)
    (media / "covers" / "a.png").write_bytes(png_bytes())
    # Links are kept as links: never the contents of what they point at, and a dangling one
    # does not fail the backup.
    (media / "outside").symlink_to("/etc/hostname")
    (media / "dangling").symlink_to(tmp_path / "gone")
    env, archive = backed_up_sqlite_run(tmp_path, media, ["延安", "宝塔", "延川"])

    target = tmp_path / "restored.sqlite3"
    restored_media = tmp_path / "restored-media"
    restored_media.mkdir()
    (restored_media / "stale.txt").write_text("old")
    assert [p.name for p in (tmp_path / "backups").iterdir()] == [Path(archive).name]  # no work files left
    env.update(DATABASE_URL=f"sqlite:///{target}", MEDIA_ROOT=str(restored_media))
    result = run_deploy_script("restore.sh", archive, "--yes", env=env)
    assert result.returncode == 0, result.stderr
    assert not list(tmp_path.glob(".restore-*"))
    assert os.readlink(restored_media / "outside") == "/etc/hostname"
    assert os.readlink(restored_media / "dangling") == str(tmp_path / "gone")
    with sqlite3.connect(target) as db:
        assert db.execute("SELECT name FROM t ORDER BY id").fetchall() == [("延安",), ("宝塔",), ("延川",)]
    assert (restored_media / "covers" / "a.png").read_bytes() == png_bytes()
    assert not (restored_media / "stale.txt").exists()
    kept = list(tmp_path.glob("restored-media.before-restore-*"))
    assert len(kept) == 1 and (kept[0] / "stale.txt").read_text() == "old"


def test_restore_refuses_a_media_folder_it_cannot_replace_before_changing_anything(tmp_path):
    """A restore replaces MEDIA_ROOT by a rename, which a link (or a mount point) cannot take:
    refused before the database is touched, so nothing is left half restored."""
    (tmp_path / "media").mkdir()
    env, archive = backed_up_sqlite_run(tmp_path, tmp_path / "media", ["备份时"])
    source = tmp_path / "portal.sqlite3"
    with sqlite3.connect(source) as db:
        db.execute("UPDATE t SET name = '备份后'")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "linked-media").symlink_to(tmp_path / "elsewhere")
    env["MEDIA_ROOT"] = str(tmp_path / "linked-media")
    result = run_deploy_script("restore.sh", archive, "--yes", env=env)
    assert result.returncode == 2 and "挂载点或链接" in result.stderr
    with sqlite3.connect(source) as db:
        assert db.execute("SELECT name FROM t").fetchone() == ("备份后",)


@pytest.mark.parametrize(
    ("size", "limit", "shown"),
    [
        (4 * 1024, 1024, ("4.0\xa0KB", "1.0\xa0KB")),
        (21_021_051, 20 * 1024 * 1024, ("20.05 MB", "20.00 MB")),  # filesizeformat: 20.0 MB both
        (20 * 1024 * 1024 + 1, 20 * 1024 * 1024, ("20,971,521 字节", "20,971,520 字节")),
    ],
)
def test_an_oversize_upload_is_never_said_to_be_the_size_of_its_limit(size, limit, shown):
    from yanan_portal.uploads import size_and_limit

    assert tuple(size_and_limit(size, limit).values()) == shown
