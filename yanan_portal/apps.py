from django.apps import AppConfig


class YananPortalConfig(AppConfig):
    name = "yanan_portal"
    verbose_name = "网站"

    def ready(self):
        from . import cache

        # The one place that links content changes to the page cache (yanan_portal/cache.py).
        cache.connect_signals()
