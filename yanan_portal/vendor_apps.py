"""Third-party apps under Chinese names in the admin (their own are "Axes", "Otp_Totp" and
"Otp_Static"); settings.INSTALLED_APPS names these classes instead of the packages.

A module of their own: beside PortalConfig in apps.py, Django would no longer know which
class is the portal's own and would skip its ready() (the signals)."""

from binascii import Error, unhexlify

from axes.apps import AppConfig as AxesAppConfig
from django.core.exceptions import ValidationError
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
        _name_fields(self, "TOTPDevice")
        from django.contrib import admin
        from django.urls import reverse
        from django.utils.html import format_html
        from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin

        class QRCodeInChinese(TOTPDeviceAdmin):
            @admin.display(description=_("二维码"))
            def qrcode_link(self, device):
                href = reverse("admin:otp_totp_totpdevice_config", kwargs={"pk": device.pk})
                return format_html('<a href="{}">{}</a>', href, _("显示二维码,用手机验证器扫码添加"))

        _register_chinese_admin(self.get_model("TOTPDevice"), QRCodeInChinese)


class OTPStaticConfig(OTPStaticDefaultConfig):
    verbose_name = _("两步验证:备用码")

    def ready(self):
        super().ready()
        _name_models(self, {"StaticDevice": (_("备用码设备"), _("备用码设备")), "StaticToken": (_("备用码"), _("备用码"))})
        _name_fields(self, "StaticDevice")
        _name_fields(self, "StaticToken")
        # Shown above each code in the device's page; the package's own is "StaticToken object (1)".
        self.get_model("StaticToken").__str__ = lambda token: str(_("备用码"))
        from django_otp.plugins.otp_static.admin import StaticDeviceAdmin

        _register_chinese_admin(self.get_model("StaticDevice"), StaticDeviceAdmin)


# django-otp's device admin (where the superuser sets up 两步验证) marks none of its field names,
# help texts or section titles for translation. Field names change at runtime like the model
# names above: a field deconstructs the verbose_name it was declared with (``_verbose_name``),
# so migrations do not see it. Help texts would (they are deconstructed as they are), so they
# reach the admin's forms through ``ModelAdmin.get_form`` instead, readonly fields included.
OTP_FIELD_NAMES = {
    "user": _("用户"),
    "name": _("设备名称"),
    "confirmed": _("已启用"),
    "created_at": _("添加时间"),
    "last_used_at": _("最近使用时间"),
    "throttling_failure_timestamp": _("最近一次输错的时间"),
    "throttling_failure_count": _("连续输错次数"),
    "key": _("密钥"),
    "step": _("时间步长(秒)"),
    "t0": _("起始时间"),
    "digits": _("动态码位数"),
    "tolerance": _("允许的步数偏差"),
    "drift": _("时钟偏差(步)"),
    "last_t": _("最近一次动态码的时间步"),
    "token": _("备用码"),
    "device": _("设备"),
}
OTP_HELP_TEXTS = {
    "user": _("使用这个设备登录的账号。"),
    "name": _("便于辨认的名称,例如“办公室主任的手机”。"),
    "confirmed": _("勾选后,登录时可以使用这个设备。"),
    "created_at": _("设备添加到系统的时间。"),
    "last_used_at": _("最近一次用这个设备登录的时间。"),
    "throttling_failure_timestamp": _("连续输错后,要等一段时间才能再试;这是最近一次输错的时间。"),
    "throttling_failure_count": _("连续输错的次数,输对一次后清零。"),
    "key": _("十六进制密钥,最多 40 字节;留用默认值即可。保存后用“二维码”链接把它加入手机验证器。"),
    "step": _("每个动态码有效的秒数,一般为 30。"),
    "t0": _("开始计算时间步的 Unix 时间,一般为 0。"),
    "digits": _("动态码的位数,须与手机验证器一致,一般为 6。"),
    "tolerance": _("允许手机时间比服务器早或晚的步数,一般为 1。"),
    "drift": _("已知手机时钟与服务器相差的步数,由系统自动记录。"),
}
OTP_FIELDSET_NAMES = {
    "Identity": _("设备"),
    "Timestamps": _("时间"),
    "Configuration": _("设置"),
    "State": _("状态"),
    "Throttling": _("输错限制"),
}


def _name_fields(app_config, model_name: str) -> None:
    for field in app_config.get_model(model_name)._meta.get_fields():
        if field.name in OTP_FIELD_NAMES and hasattr(field, "_verbose_name"):
            field.verbose_name = OTP_FIELD_NAMES[field.name]


class ChineseDeviceAdminMixin:
    """Section titles, help texts and the search hint in Chinese."""

    search_help_text = _("按用户名或电子邮箱搜索")

    def get_fieldsets(self, request, obj=None):
        return [(OTP_FIELDSET_NAMES.get(name, name), options) for name, options in super().get_fieldsets(request, obj)]

    def get_form(self, request, obj=None, **kwargs):
        kwargs["help_texts"] = {**OTP_HELP_TEXTS, **kwargs.get("help_texts", {})}
        form = super().get_form(request, obj, **kwargs)
        if "key" in form.base_fields:
            # Ahead of the model's own check, whose message is English ("… is not valid
            # hex-encoded data."); a field that failed here is not checked by the model again.
            form.base_fields["key"].validators.append(_hex_key)
        return form


def _hex_key(value: str) -> None:
    try:
        unhexlify(value.encode())
    except (Error, ValueError, UnicodeEncodeError):
        raise ValidationError(_("密钥只能由 0–9 和 a–f 组成,且为双数位;留用默认值即可。"), code="invalid")


def _register_chinese_admin(model, admin_class) -> None:
    from django.contrib import admin

    chinese = type(f"Chinese{admin_class.__name__}", (ChineseDeviceAdminMixin, admin_class), {})
    if model in admin.site._registry:
        admin.site.unregister(model)
    admin.site.register(model, chinese)
