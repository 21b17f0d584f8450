"""Production configuration: check --deploy, refusal to start, headers on every response."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
ENV_EXAMPLE = ROOT / "deploy" / ".env.example"


def example_env() -> dict[str, str]:
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def production_env(**overrides) -> dict[str, str]:
    """The documented production environment with a real key; nothing inherited from the tests."""
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "LANG": "C.UTF-8"}
    env.update(example_env())
    env["SECRET_KEY"] = secrets.token_urlsafe(64)
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


def test_env_example_documents_every_variable_the_settings_read():
    source = (ROOT / "yanan_portal" / "settings.py").read_text()
    read = set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z_][A-Z0-9_]*)\"", source))
    gunicorn = (ROOT / "deploy" / "gunicorn.conf.py").read_text()
    read |= set(re.findall(r"os\.environ\.get\(\"([A-Z_][A-Z0-9_]*)\"", gunicorn))
    assert {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "ADMIN_URL"} <= read
    missing = read - set(example_env())
    assert not missing, f"deploy/.env.example 缺少这些变量的说明: {sorted(missing)}"


def test_check_deploy_is_clean_with_the_documented_production_environment():
    result = manage("check", "--deploy", "--fail-level", "DEBUG", env=production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_production_environment_enforces_https_settings():
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE,"
        " s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, s.DEBUG, s.CSRF_TRUSTED_ORIGINS)"
    )
    result = manage("shell", "-c", code, env=production_env())
    assert result.returncode == 0, result.stderr
    assert (
        "True True True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https') False "
        "['https://www.example.cn', 'https://example.cn']"
    ) in result.stdout


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"SECRET_KEY": None}, "必须设置 SECRET_KEY"),
        ({"SECRET_KEY": "change-me"}, "SECRET_KEY 太弱"),
        ({"SECRET_KEY": "django-insecure-" + "x" * 60}, "SECRET_KEY 太弱"),
        ({"SECRET_KEY": "a" * 80}, "SECRET_KEY 太弱"),
        ({"ALLOWED_HOSTS": ""}, "必须设置 ALLOWED_HOSTS"),
        ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS 不能是 *"),
        ({"DEBUG": "1"}, "生产环境不能开启 DEBUG"),
    ],
    ids=["no-secret", "example-secret", "django-insecure", "one-char-secret", "no-hosts", "star-host", "debug-on"],
)
def test_production_refuses_to_start_with_a_clear_message(overrides, message):
    result = manage("check", env=production_env(**overrides))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_the_example_secret_itself_is_refused():
    env = production_env()
    env["SECRET_KEY"] = example_env()["SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0 and "SECRET_KEY 太弱" in result.stderr


def test_admin_url_comes_from_the_environment():
    code = "from django.urls import reverse; print(reverse('admin:index'))"
    result = manage("shell", "-c", code, env=production_env(ADMIN_URL="/manage-7f3k/"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("/manage-7f3k/")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/news/no-such-channel/", "/robots.txt", "/admin/login/"])
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    policy = response["Permissions-Policy"]
    for feature in ["camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"]:
        assert feature in policy
    csp = response["Content-Security-Policy"]
    directives = dict(
        (part.split()[0], part.split()[1:]) for part in csp.split(";") if part.strip()
    )
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    script = directives["script-src"]
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
    # The nonce appears only when the page used one (Django omits an unused nonce).
    assert script[0] == "'self'" and all(s.startswith("'nonce-") for s in script[1:])


def test_csp_report_only_switch():
    code = "from django.conf import settings as s; print(bool(s.SECURE_CSP), bool(s.SECURE_CSP_REPORT_ONLY))"
    result = manage("shell", "-c", code, env=production_env(CSP_REPORT_ONLY="1"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("False True")


@pytest.mark.django_db
def test_the_admin_address_is_not_revealed_and_not_indexed(client):
    robots = client.get("/robots.txt").content.decode()
    assert "admin" not in robots
    assert client.get("/admin/login/")["X-Robots-Tag"] == "noindex, nofollow"
    assert "X-Robots-Tag" not in client.get("/")
