"""gunicorn settings for the portal (local `make run` and production alike)."""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers, 2 × cores + 1: the usual choice for a CPU-bound Django site behind nginx.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 30))
graceful_timeout = 30
keepalive = 5
# nginx answers addresses over 8 KB with its Chinese 414 page (deploy/nginx/portal.conf);
# gunicorn's own limit (4 KB by default) would answer those between with an English 400.
limit_request_line = 8190
# The application is imported once, in the master, and each worker is a fork of it: a
# worker that is recycled (max_requests) or replaced after a crash starts in milliseconds
# instead of importing Django and the app again (about a second of CPU, which showed as p99
# spikes of 100-200 ms on cached pages at 3,000 requests a second; perf, issue 9).
# Code changes therefore need a restart of the service, not a HUP (docs: 部署).
preload_app = True
# Recycle workers now and then, against slow leaks, but rarely: even a forked worker is slow
# for its first moments (copy-on-write of the inherited memory), and at 3,000 cached pages a
# second a limit of 20,000 recycled a worker every few seconds, which showed as p99 of
# 100-140 ms on cached pages. At ordinary traffic 200,000 requests is still days.
max_requests = 200000
max_requests_jitter = 20000
# "-" is stdout (the journal under systemd); an empty value turns the access log off
# (nginx keeps one in production; the benchmark measures without it).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
control_socket_disable = True
# perf: the workers' heartbeat files in memory, not on a disk that may stall under load.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None


def post_fork(server, worker):
    # Nothing the master opened while importing the app may be shared by two workers:
    # each worker opens its own database and Redis connections on first use.
    from django.core.cache import caches
    from django.db import connections

    connections.close_all()
    caches.close_all()
