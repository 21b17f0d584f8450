from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "yanan_portal"
    verbose_name = "网站"

    def ready(self):
        from django.db.models.signals import pre_save

        from . import cache
        from .richtext import sanitize_rich_text_fields

        # A safety net under every rich-text field: whatever door the text comes through
        # (a form, a service, the shell, loaddata of an old export), only the allowlist is stored.
        pre_save.connect(sanitize_rich_text_fields, dispatch_uid="portal-sanitize-rich-text")
        # The one place that links content changes to the page cache (yanan_portal/cache.py).
        cache.connect_signals()
