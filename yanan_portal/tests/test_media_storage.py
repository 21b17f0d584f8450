"""Media storage is the local folder by default and S3-compatible storage when configured."""

import importlib.util
import os
import subprocess
import sys

from django.conf import settings

PRINT_STORAGE = "import django; django.setup(); from django.conf import settings; print(settings.STORAGES['default'])"


def _settings_with(**env):
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "yanan_portal.settings", "PORTAL_LOCAL": "1", **env}
    return subprocess.run(
        [sys.executable, "-c", PRINT_STORAGE], cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True, timeout=60
    )


def test_local_folder_by_default():
    result = _settings_with(MEDIA_S3_BUCKET="")
    assert result.returncode == 0, result.stderr
    assert "yanan_portal.storage.TransactionalFileSystemStorage" in result.stdout  # local files, cleaned up on rollback


def test_s3_when_a_bucket_is_configured():
    result = _settings_with(
        MEDIA_S3_BUCKET="portal-media",
        MEDIA_S3_ENDPOINT_URL="https://s3.example.cn",
        MEDIA_S3_CUSTOM_DOMAIN="media.example.cn",
    )
    if importlib.util.find_spec("boto3") is None:
        # Without boto3 the site refuses to start and says what to install.
        assert result.returncode != 0
        assert 'pip install "django-storages[s3]"' in result.stderr
    else:
        assert result.returncode == 0, result.stderr
        assert "storages.backends.s3.S3Storage" in result.stdout
        assert "'bucket_name': 'portal-media'" in result.stdout
        assert "'custom_domain': 'media.example.cn'" in result.stdout
