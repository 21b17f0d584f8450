"""Staff accounts: login throttling, password rules, session expiry, permissions, TOTP."""

import json
import logging
import re
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.models import Permission, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

PASSWORD = "延安-宝塔山-1937-春"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Dozens of logins per test: the production hasher would take most of a minute.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff():
    return User.objects.create_user("bianji", password=PASSWORD, is_staff=True)


def login(client, username, password, ip="203.0.113.7"):
    # nginx passes the reader's address in X-Real-IP; the test client stands in for nginx.
    return client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        HTTP_X_REAL_IP=ip,
    )


def test_failed_logins_lock_the_user_name_with_a_chinese_message(client, staff, settings, caplog):
    caplog.set_level(logging.INFO, logger="axes")
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        response = login(client, "bianji", "wrong", ip=f"198.51.100.{attempt + 1}")
        assert response.status_code == 200  # the login form again, with its error
    response = login(client, "bianji", "wrong", ip="198.51.100.99")
    assert response.status_code == 429
    text = response.content.decode()
    assert "登录失败次数过多" in text and "30 分钟" in text and "联系网站管理员解锁" in text
    # Locked by user name: the right password from a fresh address is refused too.
    response = login(client, "bianji", PASSWORD, ip="192.0.2.50")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # Failures are logged with the user name and address, never the password.
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "bianji" in logged and "198.51.100.99" in logged
    assert "wrong" not in logged and PASSWORD not in logged


def test_failed_logins_from_one_address_lock_that_address(client, staff, settings):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        login(client, f"guess{attempt}", "wrong", ip="198.51.100.20")
    assert login(client, "bianji", PASSWORD, ip="198.51.100.20").status_code == 429
    # Another reader's address is not affected.
    assert login(client, "bianji", PASSWORD, ip="198.51.100.21").status_code == 302


def test_lockout_cools_off(client, staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "bianji", "wrong")
    assert login(client, "bianji", PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + settings.AXES_COOLOFF_TIME + timedelta(minutes=1)):
        assert login(client, "bianji", PASSWORD).status_code == 302


def test_administrator_unlocks_a_user_by_command_and_in_the_admin(client, admin_client, staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "bianji", "wrong")
    assert login(client, "bianji", PASSWORD).status_code == 429
    call_command("axes_reset_username", "bianji")
    assert login(client, "bianji", PASSWORD).status_code == 302

    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, "bianji", "wrong")
    attempt = AccessAttempt.objects.get(username="bianji")
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert "bianji" in admin_client.get(changelist).content.decode()
    response = admin_client.post(
        reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert login(client, "bianji", PASSWORD).status_code == 302


def test_client_address_is_taken_from_nginx_only(rf, settings):
    from yanan_portal.auth import client_ip

    proxied = rf.get("/", HTTP_X_REAL_IP="203.0.113.9", REMOTE_ADDR="127.0.0.1")
    assert client_ip(proxied) == "203.0.113.9"
    # A client talking to gunicorn directly cannot choose its address.
    direct = rf.get("/", HTTP_X_REAL_IP="203.0.113.9", REMOTE_ADDR="198.51.100.4")
    assert client_ip(direct) == "198.51.100.4"
    garbage = rf.get("/", HTTP_X_REAL_IP="<script>", REMOTE_ADDR="127.0.0.1")
    assert client_ip(garbage) == "127.0.0.1"


@pytest.mark.parametrize(
    "password, expected",
    [
        ("abc", "此密码太短"),
        ("password123", "这个密码太常见了"),
        ("83749201736", "密码只包含数字"),
        ("bianji2024", "太相似"),
    ],
)
def test_password_rules_speak_chinese(staff, password, expected):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        validate_password(password, user=staff)
    messages = " ".join(error.value.messages)
    assert expected in messages, messages


def test_admin_password_change_shows_chinese_errors(admin_client, staff):
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[staff.pk]),
        {"password1": "12345678", "password2": "12345678", "usable_password": "true"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "这个密码太常见了" in text
    staff.refresh_from_db()
    assert staff.check_password(PASSWORD)


def test_admin_pages_of_login_protection_and_two_step_verification_speak_chinese(admin_client):
    index = admin_client.get(reverse("admin:index")).content.decode()
    for chinese in ("登录保护", "登录尝试", "登录失败", "登录日志", "两步验证:手机动态码", "两步验证:备用码", "动态码设备", "备用码设备"):
        assert chinese in index, chinese
    for english in ("Axes", "Access attempts", "Access logs", "Otp_Totp", "Otp_Static", "TOTP devices", "Static devices"):
        assert english not in index, english
    attempts = admin_client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "尝试时间" in attempts and "0 access attempts" not in attempts
    # Django 6.1's empty choice and the admin's time-zone note (strings new in 6.1).
    assert "- 请选择 -" in admin_client.get(reverse("admin:news_article_add")).content.decode()
    catalog = admin_client.get(reverse("admin:jsi18n")).content.decode()
    assert "Note: Enter times in the %(timezone)s timezone." in catalog
    assert "\\u8bf7\\u6309 %(timezone)s" in catalog  # 请按 %(timezone)s 时区填写时间, as the JSON escapes it


def test_the_admin_addresses_staff_as_nin_throughout(admin_client):
    """Our own messages say 您; Django's zh_Hans catalogues say 你 (成功修改了…。你可以在下面再次编辑它).
    locale/ overrides every such string, so a save's message no longer switches to 你."""
    from django.utils.translation import trans_real

    from news.tests.factories import ArticleFactory
    from news.tests.test_admin_workflow import form_data

    catalog = trans_real.translation("zh-hans")._catalog
    # keys() walks every app's catalogue; catalog[key] is the text shown (locale/ first).
    informal = {key: catalog[key] for key in catalog.keys() if "你" in catalog[key]}
    assert informal == {}
    javascript = json.loads(admin_client.get(reverse("admin:jsi18n")).content.decode().split("const newcatalog = ")[1].split(";\n")[0])
    # Of the admin scripts' strings (the catalogue also keeps strings Django 6.1 no longer uses).
    assert [javascript[key] for key in _admin_script_strings() if "你" in str(javascript.get(key, ""))] == []

    article = ArticleFactory(title="称呼测试")
    response = admin_client.post(
        reverse("admin:news_article_change", args=[article.pk]), form_data(article, _continue="1"), follow=True
    )
    message = str(list(response.context["messages"])[0])
    assert re.sub(r"<[^>]+>", "", message) == "成功修改了文章“称呼测试”。您可以在下面再次编辑它。"
    # 保存并继续编辑 on a new record: Django joins two sentences with " " in code; no space here.
    response = admin_client.post(
        reverse("admin:news_article_add"), form_data(title="新建称呼", _continue="1"), follow=True
    )
    message = str(list(response.context["messages"])[0])
    assert re.sub(r"<[^>]+>", "", message) == "成功添加了文章“新建称呼”。您可以在下面再次编辑它。"
    # Filter headings read 按状态, not 以 状态.
    changelist = admin_client.get(reverse("admin:news_article_changelist")).content.decode()
    assert "按状态" in changelist and "以 " not in changelist


def test_messages_join_chinese_sentences_without_losing_escaping():
    from django.utils.html import format_html
    from django.utils.safestring import SafeData

    from yanan_portal.messages import join_chinese_sentences

    safe = join_chinese_sentences(format_html("已保存“{}”。 您可以继续编辑。 ", "<b>标题</b>"))
    assert isinstance(safe, SafeData)
    assert safe == "已保存“&lt;b&gt;标题&lt;/b&gt;”。您可以继续编辑。 "
    # Plain text stays plain (the template escapes it); English sentences keep their spaces, and
    # so does a title after a colon or before a number.
    plain = join_chinese_sentences("第一句！ 第二句？ Third. Fourth.")
    assert plain == "第一句！第二句？ Third. Fourth." and not isinstance(plain, SafeData)
    assert join_chinese_sentences("已保存“通知： 2026年度”。 “附件”已删除。 2 项") == "已保存“通知： 2026年度”。“附件”已删除。 2 项"
    assert join_chinese_sentences(gettext_lazy("Saved.")) == "Saved."


def _admin_script_strings() -> dict[str, str]:
    """Every string the admin's own scripts translate: catalogue key → where it is used."""
    from pathlib import Path

    import django.contrib.admin

    literal = r'"(?:[^"\\]|\\.)*"'
    argument = rf"{literal}(?:\s*\+\s*{literal})*"  # "a " + "b", as Django splits long ones
    call = re.compile(rf"\b(gettext|ngettext|pgettext)\(\s*({argument})(?:\s*,\s*({argument}))?", re.S)

    def text(argument):
        return "".join(json.loads(part) for part in re.findall(literal, argument))

    strings = {}
    scripts = Path(django.contrib.admin.__file__).parent / "static" / "admin" / "js"
    for script in scripts.rglob("*.js"):
        if "vendor" in script.parts:
            continue
        for function, first, second in call.findall(script.read_text()):
            key = f"{text(first)}\x04{text(second)}" if function == "pgettext" else text(first)
            strings[key] = script.name
    return strings


def test_every_string_of_the_admin_scripts_is_in_chinese(admin_client):
    """Django 6.1's scripts brought strings its zh_Hans catalogue lacks (the calendar's names
    for screen readers, the actions dialog's “Run” button): locale/ has them, and after an
    upgrade this names any new one."""
    strings = _admin_script_strings()
    assert len(strings) > 50 and "Today (%(date)s)" in strings and "one letter Monday\x04M" in strings
    catalog = json.loads(admin_client.get(reverse("admin:jsi18n")).content.decode().split("const newcatalog = ")[1].split(";\n")[0])
    missing = {key: where for key, where in strings.items() if key not in catalog}
    assert missing == {}
    # The calendar's weekday headers (Django's zh_Hans leaves them M T W T F S S).
    weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    letters = [catalog[key] for day in weekdays for key in strings if key.startswith(f"one letter {day}\x04")]
    assert letters == ["日", "一", "二", "三", "四", "五", "六"]


def test_staff_session_ends_after_inactivity_not_during_work(client, staff, settings):
    client.force_login(staff)
    index = reverse("admin:index")
    start = timezone.now()
    age = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    # Working steadily: every request pushes the expiry forward.
    for step in (0.6, 1.2, 1.8):
        with time_machine.travel(start + age * step, tick=False):
            assert client.get(index).status_code == 200
    # Away for longer than SESSION_COOKIE_AGE: back to the login page.
    with time_machine.travel(start + age * 1.8 + age + timedelta(minutes=1), tick=False):
        response = client.get(index)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_staff_see_only_the_models_their_permissions_allow(client, staff):
    staff.user_permissions.add(
        Permission.objects.get(codename="view_channel"),
        Permission.objects.get(codename="change_article"),
        Permission.objects.get(codename="view_article"),
    )
    client.force_login(staff)
    index = client.get(reverse("admin:index")).content.decode()
    assert "/admin/news/channel/" in index
    assert "/admin/news/article/" in index
    for hidden in ["/admin/auth/user/", "/admin/auth/group/", "/admin/axes/", "/admin/otp_totp/"]:
        assert hidden not in index
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:news_channel_add")).status_code == 403
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403
    assert client.get(reverse("admin:news_article_changelist")).status_code == 200


def test_staff_without_permissions_see_an_empty_admin(client, staff):
    client.force_login(staff)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "/admin/news/" not in response.content.decode()


OTP_ADMIN_ENGLISH = (
    "Identity", "Timestamps", "Configuration", "Throttling", "Created at", "Last used at", "Confirmed",
    "human-readable", "ready for use", "Search by", "QR Code", ">qrcode<", "Tolerance", "Digits",
    "Drift", "Throttling failure", "time step", "secret key", "Token",
)


def _visible_text(html: str) -> str:
    main = html.split('id="content"', 1)[1]
    main = re.sub(r"<(script|style)\b.*?</\1>", " ", main, flags=re.S)
    return re.sub(r"<[^>]+>", " ", main)


@pytest.mark.parametrize("model", ["otp_totp_totpdevice", "otp_static_staticdevice"])
def test_two_step_verification_device_pages_speak_chinese(admin_client, model):
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = User.objects.get(username="admin")  # admin_client's superuser
    if model == "otp_totp_totpdevice":
        device = TOTPDevice.objects.create(user=user, name="办公室手机", confirmed=True)
    else:
        device = StaticDevice.objects.create(user=user, name="备用码", confirmed=True)
        StaticToken.objects.create(device=device, token="a1b2c3d4")
    pages = {
        "list": admin_client.get(reverse(f"admin:{model}_changelist")),
        "add": admin_client.get(reverse(f"admin:{model}_add")),
        "change": admin_client.get(reverse(f"admin:{model}_change", args=[device.pk])),
    }
    for name, response in pages.items():
        assert response.status_code == 200, name
        text = _visible_text(response.content.decode())
        assert not [word for word in OTP_ADMIN_ENGLISH if word in text], (name, [w for w in OTP_ADMIN_ENGLISH if w in text])
    assert "设备名称" in _visible_text(pages["list"].content.decode()) and "已启用" in _visible_text(pages["list"].content.decode())
    change = _visible_text(pages["change"].content.decode())
    assert "添加时间" in change and "设备添加到系统的时间。" in change  # a readonly field's help text too
    if model == "otp_totp_totpdevice":
        assert "显示二维码" in _visible_text(pages["list"].content.decode())
        assert "动态码位数" in change and "输错限制" in change
        config = admin_client.get(reverse("admin:otp_totp_totpdevice_config", args=[device.pk]))
        assert config.status_code == 200 and "otpauth://totp/" in config.content.decode()


@pytest.mark.parametrize("key", ["zz", "abc", "密钥", "12 34"])
def test_a_mistyped_device_key_is_explained_in_chinese(admin_client, key):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = User.objects.get(username="admin")
    form = {"user": user.pk, "name": "手机", "confirmed": "on", "key": key, "step": 30, "t0": 0, "digits": 6,
            "tolerance": 1, "drift": 0, "last_t": -1, "throttling_failure_count": 0}
    response = admin_client.post(reverse("admin:otp_totp_totpdevice_add"), form)
    assert response.status_code == 200
    text = _visible_text(response.content.decode())
    assert "密钥只能由 0–9 和 a–f 组成" in text and "hex" not in text
    assert not TOTPDevice.objects.exists()
    form["key"] = "3132333435363738393031323334353637383930"
    assert admin_client.post(reverse("admin:otp_totp_totpdevice_add"), form).status_code == 302


@pytest.fixture
def otp_admin_site(monkeypatch):
    from django_otp.admin import OTPAdminSite

    monkeypatch.setattr(admin.site, "__class__", OTPAdminSite)
    return admin.site


def test_with_totp_required_a_password_alone_does_not_open_the_admin(client, staff, otp_admin_site):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    staff.is_superuser = True
    staff.save()
    device = TOTPDevice.objects.create(user=staff, name="手机", confirmed=True)
    login_page = client.get(reverse("admin:login")).content.decode()
    assert 'name="otp_token"' in login_page and 'name="password"' in login_page
    response = client.post(
        reverse("admin:login"), {"username": "bianji", "password": PASSWORD, "otp_device": device.persistent_id, "otp_token": "000000"}
    )
    assert response.status_code == 200  # the form again
    assert client.get(reverse("admin:index")).status_code == 302

    # django-otp throttles a device after a wrong code: come back a minute later.
    with time_machine.travel(timezone.now() + timedelta(minutes=1)):
        token = f"{totp(device.bin_key):06d}"
        response = client.post(
            reverse("admin:login"),
            {"username": "bianji", "password": PASSWORD, "otp_device": device.persistent_id,
             "otp_token": token, "next": reverse("admin:index")},
        )
        assert response.status_code == 302
        assert client.get(reverse("admin:index")).status_code == 200


def test_with_totp_required_the_login_page_speaks_chinese(client, staff, otp_admin_site):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=staff, name="办公室手机", confirmed=True)
    english = ("OTP", "Token", "token", "Log in", "Please", "Invalid", "challenge", "Challenge")
    first = client.get(reverse("admin:login")).content.decode()
    assert "动态码:" in first
    without_code = client.post(reverse("admin:login"), {"username": "bianji", "password": PASSWORD})
    assert without_code.status_code == 200
    assert "请输入手机验证器上显示的动态码(或一个备用码)。" in without_code.content.decode()
    without_device = client.post(reverse("admin:login"), {"username": "bianji", "password": PASSWORD, "otp_token": "000000"})
    html = without_device.content.decode()
    assert "请选择验证设备。" in html
    assert "验证设备:" in html and "办公室手机" in html and "获取动态码" in html
    wrong_code = client.post(
        reverse("admin:login"),
        {"username": "bianji", "password": PASSWORD, "otp_device": device.persistent_id, "otp_token": "000000"},
    )
    html = wrong_code.content.decode()
    assert "动态码不正确" in html
    for page in (first, html):
        visible = re.sub(r"<[^>]+>", " ", page.split("<body", 1)[1])
        assert not [word for word in english if word in visible], visible


def test_with_totp_required_a_forced_login_without_a_device_is_refused(client, staff, otp_admin_site):
    staff.is_superuser = True
    staff.save()
    client.force_login(staff)
    assert client.get(reverse("admin:index")).status_code == 302


def test_tests_and_shell_logins_still_work_without_a_request(client, staff):
    # Client.login() calls authenticate() without a request; the axes backend lets it through.
    assert client.login(username="bianji", password=PASSWORD)
