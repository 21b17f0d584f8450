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


class OTPTOTPConfig(OTPTOTPDefaultConfig):
    verbose_name = _("两步验证:手机动态码")


class OTPStaticConfig(OTPStaticDefaultConfig):
    verbose_name = _("两步验证:备用码")
