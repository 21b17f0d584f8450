import os
import uuid

import pytest

from . import servers


@pytest.fixture
def shared_redis(settings):
    """The cache on the shared Redis (servers.REDIS_URL) under this test's own key prefix,
    which it yields; its keys are deleted afterwards. Fails in CI when Redis is down."""
    if not servers.redis_available():
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not running at {servers.REDIS_URL} (.ci/run starts it)")
        pytest.skip(f"Redis 未运行 ({servers.REDIS_URL})")
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {"BACKEND": "yanan_portal.cache.FaultTolerantRedisCache", "LOCATION": servers.REDIS_URL, "KEY_PREFIX": prefix}
    }
    yield prefix
    servers.delete_redis_keys(prefix)
