"""PostgreSQL faults and data: lost connections, backup and restore (run in .ci/run)."""

import hashlib
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from wsgiref.util import setup_testing_defaults

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection

from news.models import Article
from news.tests.factories import AttachmentFactory
from yanan_portal import cache as page_cache

from . import servers

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(settings.BASE_DIR)


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("需要 PostgreSQL:DATABASE_URL=postgres://…")


def fetch(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def terminate(pids) -> int:
    """What a PostgreSQL restart does to open connections, from a separate session."""
    with admin_connection() as conn:
        return sum(
            conn.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0] for pid in pids
        )


def wsgi_get(path: str) -> int:
    """One request through Django's real WSGI handler, with its request_started/finished
    signals (the test client disconnects those, and with them the connection checks)."""
    status = []
    environ = {}
    setup_testing_defaults(environ)
    environ.update(PATH_INFO=path, HTTP_HOST="127.0.0.1", HTTP_USER_AGENT="Mozilla/5.0 (iPhone)")
    result = WSGIHandler()(environ, lambda s, h, e=None: status.append(int(s.split()[0])))
    try:
        b"".join(result)
    finally:
        result.close()
    return status[0]


@pytest.fixture
def demo_pages():
    call_command("load_demo", verbosity=0)
    article = Article.objects.published().first()
    return ["/", article.get_absolute_url(), article.channel.get_absolute_url(), "/healthz"]


def test_the_next_request_after_a_database_restart_succeeds(demo_pages):
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    assert connection.settings_dict["CONN_MAX_AGE"] > 0  # connections persist between requests
    for page in demo_pages:
        assert wsgi_get(page) == 200
    pid = connection.connection.info.backend_pid
    assert terminate([pid]) == 1
    for page in demo_pages * 2:
        assert wsgi_get(page) == 200, page
    assert connection.connection.info.backend_pid != pid


def test_without_health_checks_the_first_request_after_a_restart_fails(demo_pages):
    # The control experiment: it is CONN_HEALTH_CHECKS that saves the request above.
    assert wsgi_get("/") == 200
    connection.settings_dict["CONN_HEALTH_CHECKS"] = False
    connection.health_check_enabled = False  # read from the settings when connecting
    try:
        assert terminate([connection.connection.info.backend_pid]) == 1
        assert wsgi_get("/") == 500
        assert wsgi_get("/") == 200  # Django drops a connection that raised, after the request
    finally:
        connection.settings_dict["CONN_HEALTH_CHECKS"] = True


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_keeps_serving_through_a_database_restart(demo_pages):
    """The production server (deploy/gunicorn.conf.py, persistent connections) end to end."""
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": libpq_env()["DATABASE_URL"],
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_ACCESS_LOG": "/dev/null",
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    }
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "yanan_portal.wsgi", "--config", "deploy/gunicorn.conf.py"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if fetch(base + "/healthz") == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("gunicorn did not start")
        for page in demo_pages:
            assert fetch(base + page) == 200
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            pids = [row[0] for row in cursor.fetchall()]
        assert terminate(pids) >= 1  # the worker's persistent connection
        started = time.monotonic()
        for page in demo_pages * 3:
            assert fetch(base + page) == 200, page
        assert time.monotonic() - started < 10
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- Backup and restore ------------------------------------------------------------------

RESTORE_DB = "portal_security_restore_check"


def libpq_env(**extra) -> dict[str, str]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{{name}}"
    env = {**os.environ, **extra}
    env["DATABASE_URL"] = url.format(name=extra.pop("name", db["NAME"]))
    return env


def admin_connection():
    db = connection.settings_dict
    return psycopg.connect(
        dbname="postgres", user=db["USER"], password=db["PASSWORD"] or None,
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, autocommit=True,
    )


def table_counts(dbname: str) -> dict[str, int]:
    db = connection.settings_dict
    with psycopg.connect(
        dbname=dbname, user=db["USER"], password=db["PASSWORD"] or None,
        host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432,
    ) as conn:
        tables = [row[0] for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def media_digest(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*")) if path.is_file()
    }


@pytest.fixture
def empty_database():
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{RESTORE_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{RESTORE_DB}"')
    yield RESTORE_DB
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{RESTORE_DB}" WITH (FORCE)')


def test_backup_then_restore_into_an_empty_database(settings, tmp_path, empty_database, shared_redis):
    call_command("load_demo", verbosity=0)
    AttachmentFactory(file__filename="年报.pdf", file__data=b"%PDF-1.4\n%backup\n")
    AttachmentFactory(file__filename="通知.pdf", file__data=b"%PDF-1.4\n%second\n")
    media = Path(settings.MEDIA_ROOT)
    # The demo's publication covers and PDFs, and the two attachments.
    files = media_digest(media)
    assert len([name for name in files if name.startswith("attachments/")]) == 2 and len(files) > 2
    source_counts = table_counts(connection.settings_dict["NAME"])
    assert source_counts["news_article"] > 0 and source_counts["news_attachment"] == 2

    backups = tmp_path / "backups"
    result = subprocess.run(
        [str(ROOT / "deploy" / "backup.sh")], cwd=ROOT, capture_output=True, text=True, timeout=300,
        env=libpq_env(MEDIA_ROOT=str(media), BACKUP_DIR=str(backups)),
    )
    assert result.returncode == 0, result.stderr
    archive = Path(result.stdout.strip().splitlines()[-1])
    assert archive.parent == backups and archive.name.startswith("portal-") and archive.suffix == ".tar"
    assert oct(archive.stat().st_mode)[-3:] == "600"  # it holds every password hash

    restored_media = tmp_path / "restored-media"
    generation = page_cache.current_generation()
    result = subprocess.run(
        [str(ROOT / "deploy" / "restore.sh"), str(archive), "--yes"], cwd=ROOT, capture_output=True,
        text=True, timeout=300, env=libpq_env(name=empty_database, MEDIA_ROOT=str(restored_media),
                                              CACHE_URL=servers.REDIS_URL, CACHE_KEY_PREFIX=shared_redis),
    )
    assert result.returncode == 0, result.stderr
    # Pages cached before the restore are not served after it.
    assert page_cache.current_generation() != generation and "警告" not in result.stderr

    restored_counts = table_counts(empty_database)
    assert restored_counts == source_counts
    assert media_digest(restored_media) == media_digest(media)


def test_restore_refuses_without_a_file():
    result = subprocess.run([str(ROOT / "deploy" / "restore.sh")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2
    assert "用法" in result.stderr
