"""Third-party apps under Chinese names in the admin (their own are "Axes", "Otp_Totp" and
"Otp_Static"); settings.INSTALLED_APPS names these classes instead of the packages.

A module of their own: beside PortalConfig in apps.py, Django would no longer know which
class is the portal's own and would skip its ready() (the signals)."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as OTPStaticDefaultConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as OTPTOTPDefaultConfig


class AxesConfig(AxesAppConfig):
    verbose_name = _("登录保护")


def _name_models(app_config, names: dict) -> None:
    """Chinese model names in the admin. Only ``_meta``'s display names change: migrations
    read the declared Meta (``original_attrs``), so the packages' migrations stay as they are."""
    for model_name, (singular, plural) in names.items():
        options = app_config.get_model(model_name)._meta
        options.verbose_name, options.verbose_name_plural = singular, plural


class OTPTOTPConfig(OTPTOTPDefaultConfig):
    verbose_name = _("两步验证:手机动态码")

    def ready(self):
        super().ready()
        _name_models(self, {"TOTPDevice": (_("动态码设备"), _("动态码设备"))})


class OTPStaticConfig(OTPStaticDefaultConfig):
    verbose_name = _("两步验证:备用码")

    def ready(self):
        super().ready()
        _name_models(self, {"StaticDevice": (_("备用码设备"), _("备用码设备")), "StaticToken": (_("备用码"), _("备用码"))})
