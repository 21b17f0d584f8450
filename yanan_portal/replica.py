"""Reads from a PostgreSQL streaming replica, when ``DATABASE_REPLICA_URL`` names one.

Who reads from it: anonymous readers' GET requests for public pages that the page cache did
not answer (``ReplicaReadsMiddleware`` sits right after ``PageCacheMiddleware``), and only
the public content (news, members, projects). Staff, forms, previews, sessions, logins and
every write use the primary, as do commands and the shell.

When: only once the replica has replayed the change behind the current page-cache
generation. Without that rule a withdrawal would reach the replica a moment after the new
generation, a reader's request in that moment would rebuild the page from the replica, and
the withdrawn article would then be served from the cache for up to PAGE_CACHE_SECONDS.
So every new generation records the primary's WAL position (``cache.invalidate_public_pages``),
and a request reads the replica only when ``pg_last_wal_replay_lsn()`` has passed it. Until
then (milliseconds to seconds after a save) those requests read the primary.

A replica that cannot be reached is left alone for ``REPLICA_RETRY_SECONDS``: readers are
served from the primary meanwhile, never a 500 (docs/performance-and-deployment.md, 扩展).
A page whose reads fail on the replica part-way (it went down, or a query was cancelled by a
conflict with recovery, which a hot standby does) is made again from the primary.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.dummy import DummyCache
from django.db import DatabaseError, connections
from django.http import HttpResponse

logger = logging.getLogger(__name__)

REPLICA = "replica"
# The content of the public pages; everything else (auth, sessions, admin log, axes, otp,
# history) is read where it is written.
REPLICA_APPS = frozenset({"news", "members", "projects"})
REPLICA_RETRY_SECONDS = 30

_reads_from_replica: ContextVar[bool] = ContextVar("reads_from_replica", default=False)
_replica_down_until = 0.0


def configured() -> bool:
    return REPLICA in settings.DATABASES


class PrimaryReplicaRouter:
    """Public content is read from the replica while ``ReplicaReadsMiddleware`` allows it."""

    def db_for_read(self, model, **hints):
        if _reads_from_replica.get() and model._meta.app_label in REPLICA_APPS:
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ReplicaReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reads_replica = _public_read(request) and replica_is_current()
        token = _reads_from_replica.set(reads_replica)
        try:
            if not reads_replica:
                return self.get_response(request)
            # Every query the replica refuses is noted, a refusal the page caught itself
            # included (the footer shows a placeholder rather than fail): such a page is made
            # again from the primary, not cached with a gap in it.
            request._replica_read_failures = failures = []
            with connections[REPLICA].execute_wrapper(_FailureWatch(failures)):
                response = self.get_response(request)
            if failures:
                _read_failed(failures[0])
                _reads_from_replica.set(False)
                # The discarded response is not close()d: that sends request_finished, which
                # ends this request's database connections and caches while it still needs
                # them; a public page is rendered text and holds no file to release.
                response = self.get_response(request)
            return response
        finally:
            _reads_from_replica.reset(token)

    def process_exception(self, request, exception):
        """A view or template that fails on the replica: answered here, so that it is neither
        logged as a server error nor reported (got_request_exception); __call__ then makes
        the page again from the primary. Any other error goes on to Django's error page."""
        failures = getattr(request, "_replica_read_failures", None)
        if failures is None or not _reads_from_replica.get() or not isinstance(exception, DatabaseError):
            return None
        if not failures and not _connection_lost(connections[REPLICA]):
            return None  # the primary's error, or the page's own
        if exception not in failures:
            failures.append(exception)
        return HttpResponse(status=503)  # replaced by the page from the primary


class _FailureWatch:
    """A replica connection's execute wrapper that records the queries it refuses."""

    def __init__(self, failures: list):
        self.failures = failures

    def __call__(self, execute, sql, params, many, context):
        try:
            return execute(sql, params, many, context)
        except DatabaseError as error:
            self.failures.append(error)
            raise


def _connection_lost(connection) -> bool:
    return connection.connection is None or not connection.is_usable()


def _read_failed(error: DatabaseError) -> None:
    """A query on the replica failed mid-page: if its connection is gone, the replica is left
    alone for a while, as when the check before a page fails; a cancelled query is not that."""
    global _replica_down_until
    replica = connections[REPLICA]
    if _connection_lost(replica):
        _replica_down_until = time.monotonic() + REPLICA_RETRY_SECONDS
        logger.error("只读副本数据库在读取中失败(%s),本页改由主库生成,%d 秒内改读主库", error, REPLICA_RETRY_SECONDS)
        replica.close()
    else:
        logger.warning("只读副本上的查询失败(%s),本页改由主库生成", error)


@contextmanager
def primary_reads():
    """Reads in the block go to the primary: for the 404 page, which Django renders in its own
    exception handling, where a replica failure would be reported as an error before the
    middleware could make the page again."""
    token = _reads_from_replica.set(False)
    try:
        yield
    finally:
        _reads_from_replica.reset(token)


def _public_read(request) -> bool:
    from .cache import _excluded_prefixes

    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES  # staff, or a reader who just wrote
        and not request.path.startswith(_excluded_prefixes())  # admin, previews, accounts
    )


def wal_position_of_primary() -> str:
    """The primary's current WAL position with its cluster, "<system identifier>:<LSN>",
    recorded with each new page-cache generation (empty without a replica, or on SQLite).

    The system identifier is the cluster's (initdb's) and a streaming standby's is the same:
    positions of different clusters cannot be compared. A primary restored into a new
    cluster starts its WAL again from low positions, and a standby of the old cluster left in
    DATABASE_REPLICA_URL would otherwise look as if it had replayed everything."""
    if not configured() or connections["default"].vendor != "postgresql":
        return ""
    with connections["default"].cursor() as cursor:
        # The insert position, not the write position: with asynchronous commit the write
        # position can still be short of a commit that has returned.
        cursor.execute("SELECT system_identifier::text, pg_current_wal_insert_lsn()::text FROM pg_control_system()")
        cluster, position = cursor.fetchone()
        return f"{cluster}:{position}"


def parse_position(text: str) -> int | None:
    """'16/B374D848' → a number that orders like the WAL; None for anything else."""
    high, slash, low = (text or "").partition("/")
    try:
        return (int(high, 16) << 32) + int(low, 16) if slash else None
    except ValueError:
        return None


def split_position(text: str) -> tuple[str, int | None]:
    """'7714927342709647531:16/B374D848' → (the cluster, the LSN as a number); a position
    recorded without its cluster gives ''."""
    cluster, _, position = (text or "").rpartition(":")
    return cluster, parse_position(position)


def replica_is_current() -> bool:
    """May this request read the replica? Yes when it answers, is a standby of the primary's
    cluster and has replayed the change behind the current page-cache generation; with no
    cache at all (CACHE_URL=dummycache://) whenever it answers and is a standby of the
    primary's cluster, since a lagging replica then only delays what readers see by its lag.

    The replica is asked on every such request, not once in a while: the question is also
    the check that it is up, so that a replica that stopped answering is found here, where
    the request can still go to the primary, rather than in the middle of a page (a 500)."""
    global _replica_down_until
    if not configured() or time.monotonic() < _replica_down_until:
        return False
    if isinstance(caches["default"], DummyCache):
        required_cluster, required = "", 0
    else:
        from .cache import generation_wal_position

        required_cluster, required = split_position(generation_wal_position())
        if required is None:
            return False  # a generation made without a position (before the replica was set up)
    primary_cluster = _primary_cluster()
    if primary_cluster is None:
        return False
    try:
        cluster, replayed = replica_state()
    except DatabaseError as error:
        _replica_down_until = time.monotonic() + REPLICA_RETRY_SECONDS
        logger.error("只读副本数据库不可用(%s),%d 秒内改读主库", error, REPLICA_RETRY_SECONDS)
        connections[REPLICA].close()
        return False
    if replayed is None:
        # pg_last_wal_replay_lsn() is NULL on a server that is not a standby: what it has
        # seen cannot be known, so it is not read.
        _replica_down_until = time.monotonic() + REPLICA_RETRY_SECONDS
        logger.error("DATABASE_REPLICA_URL 指向的数据库不是流复制备库,不从它读取")
        return False
    if cluster != primary_cluster:
        _replica_down_until = time.monotonic() + REPLICA_RETRY_SECONDS
        logger.error(
            "只读副本不是当前主库的备库(数据库集群标识 %s,主库 %s;主库从备份恢复到了新集群?),"
            "不从它读取:请用 pg_basebackup 从主库重建副本",
            cluster,
            primary_cluster,
        )
        return False
    # A position recorded before positions carried their cluster ('') is taken as the
    # primary's: the next change records one with it.
    if required_cluster and required_cluster != primary_cluster:
        # A generation recorded before the primary moved to this cluster (written late by a
        # worker that could not write it then): read again after the next change.
        _replica_down_until = time.monotonic() + REPLICA_RETRY_SECONDS
        logger.warning("页面缓存代号记录的是之前的数据库集群的位置,下次内容更新后再读只读副本")
        return False
    return required <= replayed


def replica_state() -> tuple[str, int | None]:
    """The replica's cluster and how far it has replayed the primary's WAL (None: it is not a
    standby)."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT system_identifier::text, pg_last_wal_replay_lsn()::text FROM pg_control_system()")
        cluster, position = cursor.fetchone()
        return cluster, parse_position(position)


def _primary_cluster() -> str | None:
    """The primary's cluster identifier, asked once per database connection (a connection
    does not move to another cluster, unless a pooler or a floating address is in between:
    then for up to CONN_MAX_AGE); None when the primary cannot be asked."""
    primary = connections["default"]
    if primary.connection is not None and getattr(_known_cluster, "connection", None) is primary.connection:
        return _known_cluster.cluster
    try:
        cluster = split_position(wal_position_of_primary())[0]
    except DatabaseError as error:
        logger.error("无法询问主库的数据库集群标识(%s),不读只读副本", error)
        return None
    _known_cluster.connection, _known_cluster.cluster = primary.connection, cluster
    return cluster


# The primary's cluster as last asked, with the connection it was asked on (connections
# belong to a thread, so this does too).
_known_cluster = threading.local()
