"""Changes with side effects beyond one row: here only the public cache of the footer."""

from django.core.cache import cache

from .selectors import FOOTER_CACHE_KEY


def clear_public_cache() -> None:
    """Called by the admin after any change to the organisation's records, so the footer
    shows the new address or phone number at once rather than after the cache expires."""
    cache.delete(FOOTER_CACHE_KEY)
