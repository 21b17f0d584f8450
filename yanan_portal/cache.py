"""A Redis cache that degrades to "no cache" when Redis is down, instead of failing requests.

Reads return the default (a miss), writes and deletes do nothing. After a failure the cache
is skipped for ``RETRY_AFTER`` seconds so that a dead Redis does not cost a connection
timeout on every cache call; one warning is logged per outage.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

RETRY_AFTER = 5.0
_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)


class FaultTolerantRedisCache(RedisCache):
    _down_until = 0.0

    def _guard(self, method: str, fallback, *args, **kwargs):
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return getattr(super(), method)(*args, **kwargs)
        except _ERRORS as error:
            if self._down_until == 0.0 or time.monotonic() >= self._down_until:
                logger.warning("Redis 缓存不可用,暂时不使用缓存 (cache unavailable): %s", error)
            self._down_until = time.monotonic() + RETRY_AFTER
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("add", False, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._guard("get", default, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._guard("set", None, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._guard("delete", False, key, version)

    def get_many(self, keys, version=None):
        return self._guard("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._guard("has_key", False, key, version)

    def incr(self, key, delta=1, version=None):
        # A missing key is what incr() reports when the value is not there (ValueError).
        if time.monotonic() < self._down_until:
            raise ValueError(f"Key '{key}' not found (cache unavailable)")
        try:
            return super().incr(key, delta, version)
        except _ERRORS as error:
            logger.warning("Redis 缓存不可用 (cache unavailable): %s", error)
            self._down_until = time.monotonic() + RETRY_AFTER
            raise ValueError(f"Key '{key}' not found (cache unavailable)") from error

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard("set_many", list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._guard("delete_many", None, keys, version)

    def clear(self):
        return self._guard("clear", False)
