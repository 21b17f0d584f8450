"""Reads from a PostgreSQL streaming replica (yanan_portal/replica.py).

The rules are tested in-process; then a real primary and a real standby, started for the
test, whose replay the test pauses, show the one that matters with a page cache: a page is
never rebuilt from a replica that has not yet replayed the change behind it.
"""

import glob
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django.db import DatabaseError, OperationalError, connection
from django.http import HttpResponse
from django.test import RequestFactory

from members.models import Organisation
from news.models import Article
from yanan_portal import cache as page_cache
from yanan_portal import replica

from . import servers

# --- The rules, in-process ----------------------------------------------------------------


@pytest.fixture
def reads_allowed():
    token = replica._reads_from_replica.set(True)
    yield
    replica._reads_from_replica.reset(token)


@pytest.fixture
def replica_configured(monkeypatch):
    monkeypatch.setattr(replica, "configured", lambda: True)
    monkeypatch.setattr(replica, "_replica_down_until", 0.0)
    monkeypatch.setattr(replica, "_known_cluster", threading.local())  # asked again
    monkeypatch.setattr(replica, "wal_position_of_primary", lambda: "771:0/1")  # the primary's cluster


def test_router_sends_only_public_content_to_the_replica_and_only_when_allowed(reads_allowed):
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.models import Session

    router = replica.PrimaryReplicaRouter()
    assert router.db_for_read(Article) == "replica"
    assert router.db_for_read(Organisation) == "replica"
    assert router.db_for_read(get_user_model()) == "default"
    assert router.db_for_read(Session) == "default"
    assert router.db_for_write(Article) == "default"
    assert router.allow_migrate("default", "news") and not router.allow_migrate("replica", "news")


def test_router_reads_the_primary_outside_an_allowed_request():
    assert replica.PrimaryReplicaRouter().db_for_read(Article) == "default"


@pytest.mark.parametrize(
    ("method", "path", "cookies", "public"),
    [
        ("GET", "/news/work/", {}, True),
        ("HEAD", "/", {"textsize": "lg"}, True),
        ("POST", "/search/", {}, False),
        ("GET", "/news/work/", {"sessionid": "x"}, False),  # staff, or a reader who just wrote
        ("GET", "/news/preview/1/", {}, False),
        ("GET", "/accounts/login/", {}, False),
    ],
)
def test_which_requests_may_read_the_replica(settings, method, path, cookies, public):
    request = RequestFactory().generic(method, path)
    request.COOKIES.update(cookies)
    assert replica._public_read(request) is public
    request = RequestFactory().get("/" + settings.ADMIN_URL)
    assert replica._public_read(request) is False


@pytest.mark.parametrize(
    ("text", "position"),
    [("0/3015E88", 0x3015E88), ("16/B374D848", (0x16 << 32) + 0xB374D848), ("", None), ("garbage", None), ("G/1", None), (None, None)],
)
def test_wal_positions_are_compared_as_numbers(text, position):
    assert replica.parse_position(text) == position


def test_positions_carry_their_cluster():
    assert replica.split_position("7714927342709647531:16/B374D848") == ("7714927342709647531", (0x16 << 32) + 0xB374D848)
    assert replica.split_position("0/5000") == ("", 0x5000)  # recorded before positions carried it
    assert replica.split_position("") == ("", None)


def test_replica_is_read_only_once_it_has_replayed_the_generation(replica_configured, monkeypatch):
    monkeypatch.setattr(page_cache, "generation_wal_position", lambda: "771:0/5000")
    monkeypatch.setattr(replica, "replica_state", lambda: ("771", 0x4FFF))
    assert replica.replica_is_current() is False
    monkeypatch.setattr(replica, "replica_state", lambda: ("771", 0x5000))
    assert replica.replica_is_current() is True


def test_a_standby_of_another_cluster_is_never_read(replica_configured, monkeypatch, caplog):
    """The primary was restored into a new cluster (its WAL starts again at low positions) and
    the standby of the old one is still configured: far ahead, and with the old content."""
    monkeypatch.setattr(page_cache, "generation_wal_position", lambda: "new-cluster:0/3000")
    monkeypatch.setattr(replica, "wal_position_of_primary", lambda: "new-cluster:0/3100")
    monkeypatch.setattr(replica, "replica_state", lambda: ("old-cluster", 5 << 32))
    assert replica.replica_is_current() is False
    assert "不是当前主库的备库" in caplog.text
    assert replica._replica_down_until > time.monotonic()


def test_a_position_recorded_before_positions_carried_their_cluster_is_still_used(replica_configured, monkeypatch):
    monkeypatch.setattr(page_cache, "generation_wal_position", lambda: "0/5000")
    monkeypatch.setattr(replica, "replica_state", lambda: ("771", 0x5000))
    assert replica.replica_is_current() is True


def test_a_generation_without_a_position_keeps_reads_on_the_primary(replica_configured, monkeypatch):
    monkeypatch.setattr(page_cache, "generation_wal_position", lambda: "")
    monkeypatch.setattr(replica, "replica_state", lambda: ("771", 1 << 40))
    assert replica.replica_is_current() is False


def test_without_a_cache_any_answering_standby_of_the_primary_is_current(replica_configured, monkeypatch, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    monkeypatch.setattr(replica, "wal_position_of_primary", lambda: "771:9/0")
    monkeypatch.setattr(replica, "replica_state", lambda: ("771", 0))
    assert replica.replica_is_current() is True
    monkeypatch.setattr(replica, "replica_state", lambda: ("old-cluster", 10 << 32))
    assert replica.replica_is_current() is False
    monkeypatch.setattr(replica, "_replica_down_until", 0.0)

    def primary_down():
        raise DatabaseError("connection refused")

    monkeypatch.setattr(replica, "wal_position_of_primary", primary_down)
    monkeypatch.setattr(replica, "_known_cluster", threading.local())  # a new connection: asked again
    monkeypatch.setattr(replica, "replica_state", lambda: ("771", 0))
    assert replica.replica_is_current() is False  # nothing to compare with: not read, no 500


def test_a_replica_that_fails_is_left_alone_for_a_while(replica_configured, monkeypatch, caplog):
    monkeypatch.setattr(page_cache, "generation_wal_position", lambda: "0/1")
    asked = []

    def down():
        asked.append(1)
        raise DatabaseError("connection refused")

    monkeypatch.setattr(replica, "replica_state", down)
    closed = []
    monkeypatch.setattr(replica, "connections", {
        "default": type("Primary", (), {"connection": None})(),
        replica.REPLICA: type("Connection", (), {"close": lambda self: closed.append(1)})(),
    })
    assert replica.replica_is_current() is False
    assert replica.replica_is_current() is False
    assert asked == [1]  # not asked again within REPLICA_RETRY_SECONDS
    assert closed == [1]  # its broken connection is not reused
    assert "只读副本数据库不可用" in caplog.text


def test_a_server_that_is_not_a_standby_is_never_read(replica_configured, monkeypatch, caplog):
    monkeypatch.setattr(page_cache, "generation_wal_position", lambda: "0/1")
    monkeypatch.setattr(replica, "replica_state", lambda: ("771", None))
    assert replica.replica_is_current() is False
    assert "不是流复制备库" in caplog.text


def test_each_new_generation_records_the_primarys_wal_position(monkeypatch, settings, tmp_path):
    settings.PAGE_CACHE_GENERATION_FILE = tmp_path / "generation"
    monkeypatch.setattr(page_cache, "wal_position_of_primary", lambda: "0/ABC")
    page_cache._bump("none")
    assert page_cache.generation_wal_position() == "0/ABC"
    monkeypatch.setattr(page_cache, "wal_position_of_primary", lambda: "0/ABD")
    page_cache._bump("none")
    assert page_cache.generation_wal_position() == "0/ABD"


def test_a_shared_generation_carries_the_position(monkeypatch, shared_redis):
    monkeypatch.setattr(page_cache, "wal_position_of_primary", lambda: "1/F00")
    page_cache._bump("none")
    assert page_cache.current_generation().endswith("@1/F00")
    assert page_cache.generation_wal_position() == "1/F00"
    caches["default"].delete(page_cache.GENERATION_KEY)  # Redis lost its keys
    assert page_cache.generation_wal_position() == "1/F00"  # the new generation records it too


def test_no_position_is_recorded_without_a_replica():
    assert replica.wal_position_of_primary() == ""


@pytest.fixture(params=["generation file", "redis"])
def generation_store(request, settings, tmp_path):
    """Where the page-cache generation is kept: a file beside the local-memory cache, or Redis."""
    if request.param == "redis":
        request.getfixturevalue("shared_redis")
    else:
        settings.PAGE_CACHE_GENERATION_FILE = tmp_path / "generation"


def test_of_two_changes_at_once_the_later_position_is_kept(monkeypatch, generation_store):
    # Two saves read their positions in one order and write their generations in the other.
    monkeypatch.setattr(page_cache, "wal_position_of_primary", lambda: "0/9000")
    page_cache._bump("none")
    monkeypatch.setattr(page_cache, "wal_position_of_primary", lambda: "0/8000")
    page_cache._bump("none")
    assert page_cache.generation_wal_position() == "0/9000"
    monkeypatch.setattr(page_cache, "wal_position_of_primary", lambda: "0/A000")
    page_cache._bump("none")
    assert page_cache.generation_wal_position() == "0/A000"


def test_a_change_recorded_while_another_is_being_written_is_not_lost(monkeypatch, generation_store):
    """The interleaving the lock (a locked file, WATCH/MULTI in Redis) is for: save A has read
    what was recorded, then save B, which read a later position, records it, then A writes."""
    monkeypatch.setattr(page_cache, "wal_position_of_primary", lambda: "0/7000")
    page_cache._bump("none")
    positions = {"A": "0/8000", "B": "0/9000"}
    monkeypatch.setattr(page_cache, "wal_position_of_primary", lambda: positions[threading.current_thread().name])
    real_later_position = page_cache._later_position
    save_b = threading.Thread(target=page_cache._bump, args=("none",), name="B")

    def a_has_read_what_was_recorded(mine, recorded):
        if threading.current_thread().name == "A" and not save_b.is_alive() and save_b.ident is None:
            save_b.start()
            save_b.join(timeout=1)  # B is held by the lock, or (Redis) has written meanwhile
        return real_later_position(mine, recorded)

    monkeypatch.setattr(page_cache, "_later_position", a_has_read_what_was_recorded)
    save_a = threading.Thread(target=page_cache._bump, args=("none",), name="A")
    save_a.start()
    save_a.join(timeout=10)
    save_b.join(timeout=10)
    assert not save_a.is_alive() and not save_b.is_alive()
    assert page_cache.generation_wal_position() == "0/9000"


def test_a_primary_restored_into_a_new_cluster_records_its_own_position(db, monkeypatch, caplog, generation_store):
    monkeypatch.setattr(page_cache, "wal_position_of_primary", lambda: "old-cluster:5/0")
    page_cache._bump("none")
    # The new cluster's WAL starts lower: its position is not compared with the old cluster's.
    monkeypatch.setattr(page_cache, "wal_position_of_primary", lambda: "new-cluster:0/3000")
    call_command("invalidate_page_cache", stdout=io.StringIO())  # as deploy/restore.sh does
    assert page_cache.generation_wal_position() == "new-cluster:0/3000"
    if not page_cache._is_process_local(caches["default"]):
        # A worker's generation from before the restore, written late (Redis refused it
        # then), records the old cluster's position, which no standby of the new cluster
        # matches: the replica is not read until the next change, rather than too early.
        page_cache._write_shared_generation("1@old-cluster:5/10")
        monkeypatch.setattr(replica, "configured", lambda: True)
        monkeypatch.setattr(replica, "wal_position_of_primary", lambda: "new-cluster:0/3100")
        monkeypatch.setattr(replica, "replica_state", lambda: ("new-cluster", 0x3000))
        assert replica.replica_is_current() is False
        # Said as what it is, not as a replica to rebuild.
        assert "之前的数据库集群" in caplog.text and "重建副本" not in caplog.text
        # And a standby of the old cluster, which that late generation matches, is not read.
        monkeypatch.setattr(replica, "_replica_down_until", 0.0)
        monkeypatch.setattr(replica, "replica_state", lambda: ("old-cluster", 10 << 32))
        assert replica.replica_is_current() is False
        monkeypatch.setattr(replica, "_replica_down_until", 0.0)
    monkeypatch.setattr(page_cache, "wal_position_of_primary", lambda: "new-cluster:0/4000")
    page_cache._bump("none")
    assert page_cache.generation_wal_position() == "new-cluster:0/4000"  # later saves move it on


def test_after_a_point_in_time_restore_the_recorded_position_can_be_reset(db, monkeypatch, generation_store):
    """Same cluster, positions gone back: only the operator knows it was a restore."""
    monkeypatch.setattr(page_cache, "wal_position_of_primary", lambda: "771:5/0")
    page_cache._bump("none")
    monkeypatch.setattr(page_cache, "wal_position_of_primary", lambda: "771:0/3000")
    call_command("invalidate_page_cache", stdout=io.StringIO())
    assert page_cache.generation_wal_position() == "771:5/0"  # as for an older save
    call_command("invalidate_page_cache", "--reset-replica-position", stdout=io.StringIO())
    assert page_cache.generation_wal_position() == "771:0/3000"


def test_a_request_keeps_the_generation_it_first_read(monkeypatch, generation_store):
    """The footer and the search filters are stored under the generation whose position
    decided where the page was read from, not one that began mid-request."""
    monkeypatch.setattr(page_cache, "wal_position_of_primary", lambda: "0/100")
    page_cache._bump("none")
    seen = {}

    def view(request):
        seen["position"] = page_cache.generation_wal_position()
        seen["key"] = page_cache.fragment_key("footer")
        other_process_bumps()
        seen["key later"] = page_cache.fragment_key("footer")
        seen["position later"] = page_cache.generation_wal_position()
        return HttpResponse("页面")

    def other_process_bumps():
        token = page_cache._request_generation.set(None)  # as another worker would
        monkeypatch.setattr(page_cache, "wal_position_of_primary", lambda: "0/200")
        page_cache._bump("none")
        page_cache._request_generation.reset(token)

    page_cache.PageCacheMiddleware(view)(RequestFactory().get("/news/work/"))
    assert seen["key"] == seen["key later"] and seen["position"] == seen["position later"] == "0/100"
    # The next request sees the new generation; a change the request makes itself moves it on.
    assert page_cache.generation_wal_position() == "0/200"

    def editing_view(request):
        before = page_cache.fragment_key("footer")
        page_cache._bump("none")
        seen["moved on"] = page_cache.fragment_key("footer") != before
        return HttpResponse("已保存")

    page_cache.PageCacheMiddleware(editing_view)(RequestFactory().post("/news/work/"))
    assert seen["moved on"]


@pytest.fixture
def replica_alias(transactional_db, settings, tmp_path, replica_configured, monkeypatch):
    """A second connection to the test database under the replica's alias, the router and
    the middleware as settings.py sets them when DATABASE_REPLICA_URL is given; the replica is
    taken to have replayed everything. Committed data (transactional_db): the two connections
    see the same rows."""
    from django.db import connections
    from django.db.utils import load_backend

    # Made by hand and not named in the settings: Django's test case then lets it connect.
    primary = connections["default"].settings_dict
    connections[replica.REPLICA] = load_backend(primary["ENGINE"]).DatabaseWrapper({**primary}, replica.REPLICA)
    settings.DATABASE_ROUTERS = ["yanan_portal.replica.PrimaryReplicaRouter"]
    settings.PAGE_CACHE_GENERATION_FILE = tmp_path / "generation"
    middleware = list(settings.MIDDLEWARE)
    middleware.insert(middleware.index("yanan_portal.cache.PageCacheMiddleware") + 1, "yanan_portal.replica.ReplicaReadsMiddleware")
    settings.MIDDLEWARE = middleware
    monkeypatch.setattr(replica, "replica_is_current", lambda: True)
    yield connections[replica.REPLICA]
    connections[replica.REPLICA].close()
    del connections[replica.REPLICA]


class _RefuseOnReplica:
    """Makes the replica's database driver fail queries on one table, as a standby does when
    it cancels a query (a conflict with recovery) or its connection is lost."""

    def __init__(self, connection, monkeypatch, table, *, lose_connection=False):
        self.table, self.refused = table, 0
        real_create_cursor = connection.create_cursor

        def create_cursor(name=None):
            return _RefusingCursor(real_create_cursor(name), self, connection.Database.OperationalError)

        monkeypatch.setattr(connection, "create_cursor", create_cursor)
        if lose_connection:
            self.refuse = lambda: monkeypatch.setattr(connection, "is_usable", lambda: False)
        else:
            self.refuse = lambda: None


class _RefusingCursor:
    def __init__(self, cursor, refusal, error):
        self._cursor, self._refusal, self._error = cursor, refusal, error

    def execute(self, sql, params=None):
        if self._refusal.table in sql:
            self._refusal.refused += 1
            self._refusal.refuse()
            raise self._error("canceling statement due to conflict with recovery")
        return self._cursor.execute(sql, params)

    def __getattr__(self, name):
        return getattr(self._cursor, name)

    def __iter__(self):
        return iter(self._cursor)


@pytest.mark.page_cache
@pytest.mark.parametrize("lose_connection", [False, True], ids=["query cancelled", "replica gone"])
def test_a_page_whose_replica_reads_fail_midway_is_made_from_the_primary(replica_alias, monkeypatch, caplog, lose_connection):
    from django.core.signals import got_request_exception
    from django.test import Client

    from news.tests.factories import ArticleFactory

    article = ArticleFactory(title="副本失败时的文章")
    refuse = _RefuseOnReplica(replica_alias, monkeypatch, Article._meta.db_table, lose_connection=lose_connection)
    reported = []

    def report(sender, **kwargs):
        reported.append(kwargs)

    got_request_exception.connect(report)
    try:
        response = Client(raise_request_exception=False).get(article.get_absolute_url())
    finally:
        got_request_exception.disconnect(report)
    assert refuse.refused == 1
    assert response.status_code == 200 and "副本失败时的文章" in response.content.decode()
    # Not a server error: nothing logged by django.request, nothing reported.
    assert not [r for r in caplog.records if r.name == "django.request"] and not reported
    # A connection that is gone leaves the replica alone for a while; a cancelled query does not.
    assert (replica._replica_down_until > time.monotonic()) is lose_connection
    assert ("只读副本数据库在读取中失败" in caplog.text) is lose_connection
    assert Client().get(article.get_absolute_url())["X-Page-Cache"] == "hit"  # the primary's page


def test_when_the_primary_fails_too_the_reader_gets_the_error_page(replica_alias, monkeypatch):
    """The page made again from the primary fails as well: Django's own error page (500, the
    portal's text), not the empty answer that stands in for the replica's failed page."""
    from django.db import connections
    from django.test import Client

    from news.tests.factories import ArticleFactory

    article = ArticleFactory(title="两个库都失败")
    with monkeypatch.context() as patch:  # undone before the test's tables are emptied
        on_replica = _RefuseOnReplica(replica_alias, patch, Article._meta.db_table)
        on_primary = _RefuseOnReplica(connections["default"], patch, Article._meta.db_table)
        response = Client(raise_request_exception=False).get(article.get_absolute_url())
    assert (on_replica.refused, on_primary.refused) == (1, 1)
    assert response.status_code == 500 and response.content


def test_the_not_found_page_reads_the_primary(replica_alias, monkeypatch):
    """Django renders the 404 page inside its own error handling, which would report a
    replica failure there as a server error: its navigation comes from the primary."""
    from django.core.signals import got_request_exception
    from django.test import Client

    from news.models import Channel
    from news.tests.factories import ChannelFactory

    ChannelFactory(name="工作动态", slug="work")
    refuse = _RefuseOnReplica(replica_alias, monkeypatch, Channel._meta.db_table)
    reported = []

    def report(sender, **kwargs):
        reported.append(kwargs)

    got_request_exception.connect(report)
    try:
        response = Client(raise_request_exception=False).get("/no-such-page/")
    finally:
        got_request_exception.disconnect(report)
    assert response.status_code == 404 and "工作动态" in response.content.decode()
    assert refuse.refused == 0 and not reported


@pytest.mark.page_cache
def test_a_footer_the_replica_refused_is_not_cached_as_a_placeholder(replica_alias, monkeypatch):
    from django.test import Client

    Organisation.objects.update_or_create(pk=1, defaults={"name": "延安市老区建设促进会(副本测试)"})
    refuse = _RefuseOnReplica(replica_alias, monkeypatch, Organisation._meta.db_table)
    response = Client().get("/")
    # The footer catches its own error (it is on the error page too), but the page is made
    # again from the primary rather than cached with the placeholder.
    assert refuse.refused == 1
    assert response.status_code == 200 and "延安市老区建设促进会(副本测试)" in response.content.decode()
    assert "延安市老区建设促进会(副本测试)" in Client().get("/").content.decode()


def test_an_error_not_caused_by_the_replica_is_not_made_again(replica_alias):
    calls = []

    def get_response(request):
        calls.append(1)
        return HttpResponse(status=500)

    assert replica.ReplicaReadsMiddleware(get_response)(RequestFactory().get("/")).status_code == 500
    assert calls == [1]
    middleware = replica.ReplicaReadsMiddleware(get_response)
    request = RequestFactory().get("/")
    request._replica_read_failures = []
    token = replica._reads_from_replica.set(True)
    try:
        replica_alias.ensure_connection()
        # The primary's error with the replica's connection intact: Django's own error page.
        assert middleware.process_exception(request, OperationalError("主库出错")) is None
    finally:
        replica._reads_from_replica.reset(token)


def _replica_options() -> dict:
    """The replica connection's options as settings.py makes them in production."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "yanan_portal.settings",
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/portal",
        "DATABASE_REPLICA_URL": "postgres://postgres@127.0.0.2:5432/portal",
    }
    code = "import json, django; django.setup(); from django.conf import settings; print(json.dumps(settings.DATABASES['replica']['OPTIONS']))"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_replica_connection_notices_a_silent_host():
    """Keep-alives and a TCP user timeout: a replica whose host vanished is found within
    about ten seconds, not after the kernel's retransmissions (minutes). Measured below."""
    options = _replica_options()
    assert options["connect_timeout"] == 2 and options["keepalives"] == 1
    assert 0 < options["tcp_user_timeout"] <= 10_000
    # A waiting query sends nothing: keep-alives must start well before a gunicorn timeout (30 s).
    assert options["keepalives_idle"] + options["keepalives_interval"] * 2 <= 10


class _Relay:
    """A TCP relay on a loopback port of its own to the test's PostgreSQL, so that a firewall
    rule on that port silences the "replica" without touching the database other tests use."""

    def __init__(self, upstream: tuple[str, int]):
        import socket

        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        import socket

        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pipe, args=(source, target), daemon=True).start()

    @staticmethod
    def _pipe(source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass

    def close(self):
        self.listener.close()


@pytest.fixture
def silenceable_replica_port():
    """A port to PostgreSQL and a function that makes it silent: every packet to and from it
    dropped, as when a host loses power or its network (no reset, no answer)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (runs in .ci/run)")
    if os.geteuid() != 0 or shutil.which("iptables") is None:
        if os.environ.get("CI"):
            pytest.fail("silencing a host needs root and iptables (.ci/run installs it)")
        pytest.skip("needs root and iptables")
    db = connection.settings_dict
    relay = _Relay((db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)))
    rules = [["INPUT", "-i", "lo", "-p", "tcp", direction, str(relay.port), "-j", "DROP"] for direction in ("--dport", "--sport")]
    added = []

    def silence():
        for rule in rules:
            subprocess.run(["iptables", "-w", "-I", *rule], check=True)
            added.append(rule)

    try:
        yield relay.port, silence
    finally:
        for rule in added:
            subprocess.run(["iptables", "-w", "-D", *rule], check=False)
        relay.close()


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.parametrize("when", ["while a query waits for its answer", "before the next query"])
def test_a_replica_host_that_falls_silent_is_given_up_within_ten_seconds(silenceable_replica_port, when):
    """The timing the settings above promise, measured: a reader's page waits at most about
    ten seconds for a replica whose host vanished (then it is made from the primary), well
    inside gunicorn's 30 s timeout; without these options it waited for the kernel's
    retransmissions, about 15 minutes."""
    import psycopg

    port, silence = silenceable_replica_port
    db = connection.settings_dict
    options = _replica_options()
    replica_connection = psycopg.connect(
        host="127.0.0.1", port=port, user=db["USER"], password=db["PASSWORD"] or None, dbname=db["NAME"], autocommit=True, **options
    )
    assert replica_connection.execute("SELECT 1").fetchone() == (1,)
    if when == "before the next query":
        silence()
        started = time.monotonic()
        query = "SELECT 1"
    else:
        timer = threading.Timer(1.0, silence)
        timer.start()
        started = time.monotonic() + 1.0
        query = "SELECT pg_sleep(60)"
    with pytest.raises(psycopg.OperationalError):
        replica_connection.execute(query)
    waited = time.monotonic() - started
    replica_connection.close()
    assert waited <= 12, f"{when}: the silent host was given up after {waited:.1f} s"


# --- A real primary and a real standby ----------------------------------------------------

def _postgres_bin() -> Path | None:
    found = shutil.which("pg_config")
    if found:
        out = subprocess.run([found, "--bindir"], capture_output=True, text=True)
        if out.returncode == 0 and Path(out.stdout.strip(), "initdb").exists():
            return Path(out.stdout.strip())
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(candidates[-1]).parent if candidates else None


class Cluster:
    """A throw-away PostgreSQL server under ``root`` (initdb refuses to run as root, so as
    the postgres user when the tests run as root)."""

    def __init__(self, bindir: Path, root: Path, name: str):
        self.bindir, self.root, self.name = bindir, root, name
        self.data, self.log = root / name, root / f"{name}.log"
        self.port = servers.free_port()

    def run(self, *args, **kwargs):
        command = [str(self.bindir / args[0]), *map(str, args[1:])]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, cwd=self.root, **kwargs)
        assert result.returncode == 0, f"{' '.join(command)}:\n{result.stdout}\n{result.stderr}"
        return result

    def start(self):
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c log_statement=all"
        self.run("pg_ctl", "-D", self.data, "-o", options, "-l", self.log, "-w", "start")

    def stop(self):
        self.run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")

    def url(self, database="portal"):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def query(self, sql, database="portal"):
        import psycopg

        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname={database}", autocommit=True) as conn:
            cursor = conn.execute(sql)
            return cursor.fetchone()[0] if cursor.description else None

    def log_size(self) -> int:
        return self.log.stat().st_size

    def log_since(self, offset: int) -> str:
        with open(self.log, "rb") as log:
            log.seek(offset)
            return log.read().decode(errors="replace")


@pytest.fixture
def primary_and_standby():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (runs in .ci/run)")
    bindir = _postgres_bin()
    if bindir is None or (os.geteuid() == 0 and shutil.which("runuser") is None):
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL's server programs (initdb, pg_ctl, pg_basebackup) are needed")
        pytest.skip("PostgreSQL server programs not found")
    root = Path(tempfile.mkdtemp(prefix="portal-replica-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    root.chmod(0o700)
    primary, standby = Cluster(bindir, root, "primary"), Cluster(bindir, root, "standby")
    started = []
    try:
        primary.run("initdb", "-D", primary.data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8")
        primary.start()
        started.append(primary)
        primary.query("CREATE DATABASE portal", database="postgres")
        # The test database's schema and its migrated rows (the 13 counties).
        dump = subprocess.run(["pg_dump", "--no-owner", "--no-privileges", servers.database_url()], capture_output=True, check=True)
        subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", primary.url()], input=dump.stdout, capture_output=True, check=True)
        primary.run("pg_basebackup", "-h", "127.0.0.1", "-p", primary.port, "-U", "postgres", "-D", standby.data, "-R", "-X", "stream", "--checkpoint=fast")
        standby.start()
        started.append(standby)
        yield primary, standby
    finally:
        for cluster in reversed(started):
            try:
                cluster.stop()
            except AssertionError:
                pass  # stopped by the test
        subprocess.run(["rm", "-rf", str(root)])


def _publish(env, title):
    """Publish an article the way a script on the app server would: Django's ORM against the
    primary, whose signals start a new page-cache generation."""
    code = (
        "from django.utils import timezone; from news.models import Article, Channel; "
        "channel, _ = Channel.objects.get_or_create(slug='work', defaults={'name': '工作动态'}); "
        f"print(Article.objects.create(title={title!r}, channel=channel, summary='摘要', body='<p>正文</p>', "
        "status='published', published_at=timezone.now() - timezone.timedelta(minutes=1), responsible_editor='李韵').get_absolute_url())"
    )
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], env={**os.environ, **env}, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def _get(url, cookie=None):
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def _wait_until_replayed(primary, standby):
    target = primary.query("SELECT pg_current_wal_insert_lsn()::text")
    deadline = time.monotonic() + 30
    while not standby.query(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"):
        assert time.monotonic() < deadline, "the standby did not catch up"
        time.sleep(0.2)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_pages_come_from_the_standby_only_once_it_has_the_change(primary_and_standby, shared_redis, settings, tmp_path):
    primary, standby = primary_and_standby
    env = {
        "DEBUG": "0",
        "PORTAL_LOCAL": "1",
        "HTTPS": "off",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": primary.url(),
        "DATABASE_REPLICA_URL": standby.url(),
        "CACHE_URL": servers.REDIS_URL,
        "CACHE_KEY_PREFIX": shared_redis,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
        "WEB_CONCURRENCY": "1",
        "GUNICORN_ACCESS_LOG": "",
    }
    _publish(env, "副本已有的文章")
    _wait_until_replayed(primary, standby)

    with servers.gunicorn_instances(("app",), env, tmp_path) as running:
        base = running["app"][1]

        # In step: the list is built from the standby.
        mark = standby.log_size()
        status, headers, body = _get(base + "/news/work/")
        assert status == 200 and "副本已有的文章" in body and headers.get("X-Page-Cache") == "miss"
        assert "news_article" in standby.log_since(mark)

        # An article published a moment ago has not been replayed yet (the standby's replay is
        # paused, as a busy or distant standby lags): the new page is built from the primary,
        # not cached without it.
        standby.query("SELECT pg_wal_replay_pause()")
        new_url = _publish(env, "刚发布的文章")
        assert not standby.query("SELECT count(*) FROM news_article WHERE title = '刚发布的文章'")
        standby_mark, primary_mark = standby.log_size(), primary.log_size()
        status, headers, body = _get(base + "/news/work/")
        assert status == 200 and "刚发布的文章" in body and headers.get("X-Page-Cache") == "miss"
        assert "news_article" not in standby.log_since(standby_mark)
        assert "news_article" in primary.log_since(primary_mark)
        status, headers, body = _get(base + "/news/work/")
        assert "刚发布的文章" in body and headers.get("X-Page-Cache") == "hit"

        # Once replayed, readers' new pages come from the standby again.
        standby.query("SELECT pg_wal_replay_resume()")
        _wait_until_replayed(primary, standby)
        mark = standby.log_size()
        status, _, body = _get(base + new_url)
        assert status == 200 and "刚发布的文章" in body
        assert "news_article" in standby.log_since(mark)

        # A request with a session (staff, or a reader who sent a form) reads the primary.
        mark = standby.log_size()
        status, _, _ = _get(base + "/search/?q=%E6%96%87%E7%AB%A0", cookie="sessionid=anonymous-or-staff")
        assert status == 200
        assert "statement:" not in standby.log_since(mark)  # not even asked how far it has replayed

        # The standby stops: readers are served from the primary, not given a 500.
        standby.stop()
        status, _, body = _get(base + "/")
        assert status == 200 and "刚发布的文章" in body
        status, _, body = _get(base + "/news/work/?page=1")
        assert status == 200 and "刚发布的文章" in body
    assert "只读副本数据库不可用" in (tmp_path / "gunicorn-app.log").read_text()
