from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "yanan_portal"
    verbose_name = "网站"

    def ready(self):
        from django.db.models.signals import pre_save

        from . import cache, lookups
        from .richtext import sanitize_rich_text_fields

        # A safety net under every rich-text field: whatever door the text comes through
        # (a form, a service, the shell, loaddata of an old export), only the allowlist is stored.
        pre_save.connect(sanitize_rich_text_fields, dispatch_uid="portal-sanitize-rich-text")
        # The one place that links content changes to the page cache (yanan_portal/cache.py).
        cache.connect_signals()
        lookups.register()
        _admin_yes_no_icons_in_chinese()


def _admin_yes_no_icons_in_chinese():
    """The admin's ✔/✘ icons in lists and read-only fields carry alt="True"/"False", which a
    screen reader reads out in English to the office staff: "是"/"否"/"未知" instead.

    Django builds them in one private function that its callers import when they run
    (admin.utils.display_for_field, admin.helpers), so replacing it here reaches them all;
    members/tests/test_admin.py fails if a Django upgrade moves it."""
    from django.contrib.admin.templatetags import admin_list
    from django.templatetags.static import static
    from django.utils.html import format_html
    from django.utils.translation import gettext

    def boolean_icon(field_val):
        icon, text = {True: ("yes", gettext("是")), False: ("no", gettext("否")), None: ("unknown", gettext("未知"))}[field_val]
        return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), text)

    admin_list._boolean_icon = boolean_icon
