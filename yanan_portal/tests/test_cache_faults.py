"""Losing Redis: the site keeps serving, uncached, and uses the cache again when it is back."""

import logging
import os
import shutil
import socket
import subprocess
import sys
import time

import pytest
from django.core.cache import caches
from django.core.management import CommandError, call_command

from news.models import Article
from yanan_portal import cache as portal_cache

pytestmark = pytest.mark.django_db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def redis_settings(port: int) -> dict:
    return {
        "default": {
            "BACKEND": "yanan_portal.cache.FaultTolerantRedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/1",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


@pytest.fixture
def dead_redis(settings):
    settings.CACHES = redis_settings(free_port())  # nothing listens there
    yield caches["default"]


def test_settings_make_any_redis_cache_url_fault_tolerant():
    code = (
        "from django.core.cache import caches; c = caches['default']; "
        "print(type(c).__module__ + '.' + type(c).__name__, c._cache._pool_options['socket_timeout'])"
    )
    env = {**os.environ, "CACHE_URL": "redis://127.0.0.1:6399/1"}
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], env=env, capture_output=True, text=True)
    assert result.stdout.strip().endswith("yanan_portal.cache.FaultTolerantRedisCache 0.5"), result.stderr


def test_a_dead_redis_reads_as_misses_and_writes_nothing(dead_redis, caplog):
    caplog.set_level(logging.WARNING, logger="yanan_portal.cache")
    cache = dead_redis
    assert cache.get("k") is None
    assert cache.get("k", "默认") == "默认"
    cache.set("k", 1)
    assert cache.add("k", 1) is False
    assert cache.get_or_set("k", lambda: "算出来的") == "算出来的"
    assert cache.get_many(["a", "b"]) == {}
    assert cache.delete("k") is False
    assert cache.has_key("k") is False
    with pytest.raises(ValueError):
        cache.incr("k")
    cache.delete_many(["a"])
    cache.clear()
    warnings = [r for r in caplog.records if "Redis 不可用" in r.getMessage()]
    assert 1 <= len(warnings) <= 2  # once per outage, not once per call


def test_a_dead_redis_costs_no_timeout_per_call(dead_redis):
    dead_redis.get("warm-up")
    start = time.monotonic()
    for i in range(200):
        dead_redis.get(f"k{i}")
    assert time.monotonic() - start < 0.5


def test_the_site_serves_without_redis(client, dead_redis):
    call_command("load_demo", verbosity=0)
    article = Article.objects.published().first()
    for url in ["/", article.get_absolute_url(), article.channel.get_absolute_url(), "/branches/", "/programmes/", "/robots.txt"]:
        response = client.get(url)
        assert response.status_code == 200, url
    assert "<h1" in client.get(article.get_absolute_url()).content.decode()


@pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server 未安装")
def test_redis_going_down_and_coming_back(client, settings, monkeypatch):
    monkeypatch.setattr(portal_cache.FaultTolerantRedisCache, "RETRY_AFTER", 0.2)
    port = free_port()
    settings.CACHES = redis_settings(port)
    command = ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]

    def start():
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(50):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                return process
            except OSError:
                time.sleep(0.1)
        process.kill()
        pytest.fail("redis-server did not start")

    redis = start()
    try:
        cache = caches["default"]
        cache.set("greeting", "你好", 60)
        assert cache.get("greeting") == "你好"
        assert client.get("/").status_code == 200

        redis.terminate()
        redis.wait(timeout=10)
        assert cache.get("greeting") is None
        assert client.get("/").status_code == 200
        assert client.get("/robots.txt").status_code == 200

        redis = start()
        time.sleep(0.3)
        cache.set("greeting", "又见面了", 60)
        assert cache.get("greeting") == "又见面了"
    finally:
        redis.terminate()
        redis.wait(timeout=10)


def test_invalidate_page_cache_fails_loudly_when_redis_refuses_the_new_generation(dead_redis, monkeypatch):
    """The update steps and deploy/restore.sh run it: a silent failure would leave pages from
    before the update or the restore on every server for up to PAGE_CACHE_SECONDS."""
    monkeypatch.setattr(portal_cache, "_unwritten_generation", None)
    with pytest.raises(CommandError, match="Redis"):
        call_command("invalidate_page_cache")
