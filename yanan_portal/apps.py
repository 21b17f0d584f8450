from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as OTPStaticDefaultConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as OTPTOTPDefaultConfig


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


# Third-party apps under Chinese names in the admin (their own are "Axes", "Otp_Totp" and
# "Otp_Static"); settings.INSTALLED_APPS names these classes instead of the packages.
class AxesConfig(AxesAppConfig):
    verbose_name = _("登录保护")


class OTPTOTPConfig(OTPTOTPDefaultConfig):
    verbose_name = _("两步验证:手机动态码")


class OTPStaticConfig(OTPStaticDefaultConfig):
    verbose_name = _("两步验证:备用码")
