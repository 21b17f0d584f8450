"""Real services for the tests that need them: gunicorn instances (scale-out, the nginx site)
and the shared Redis."""

import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

# The Redis the cache tests share with other test runs (hence per-test key prefixes).
REDIS_URL = os.environ.get("SCALE_OUT_REDIS_URL", "redis://127.0.0.1:6379/9")


def redis_available() -> bool:
    import redis

    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


def delete_redis_keys(prefix: str) -> None:
    """Delete one test's keys only: other runs may share the database (cache.clear() is FLUSHDB)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The test database, as DATABASE_URL for a server in another process."""
    db = connection.settings_dict
    return (
        f"postgres://{urllib.parse.quote(db['USER'] or '')}:{urllib.parse.quote(db['PASSWORD'] or '')}"
        f"@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


@contextmanager
def gunicorn_instances(names, env: dict, logs: Path):
    """Start one gunicorn (deploy/gunicorn.conf.py) per name on a free loopback port, wait
    until each answers /healthz, yield ``{name: (process, base_url)}``, stop them after."""
    servers = {}
    try:
        for name in names:
            port = free_port()
            log = open(logs / f"gunicorn-{name}.log", "wb")
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "yanan_portal.wsgi", "--config", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"],
                cwd=settings.BASE_DIR,
                env={**os.environ, **env},
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            process.log = log
            servers[name] = (process, f"http://127.0.0.1:{port}")
        for name, (process, base) in servers.items():
            deadline = time.monotonic() + 60
            while True:
                assert process.poll() is None, (logs / f"gunicorn-{name}.log").read_text()
                try:
                    with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                assert time.monotonic() < deadline, f"gunicorn {name} did not start: " + (logs / f"gunicorn-{name}.log").read_text()
                time.sleep(0.3)
        yield servers
    finally:
        for process, _ in servers.values():
            stop(process)
            process.log.close()


def stop(process) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
