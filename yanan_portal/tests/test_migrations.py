"""The migrations match the models, the third-party apps' included (their Chinese names in the
admin are set at runtime and must not reach a migration: yanan_portal.vendor_apps)."""

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    output = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=output, stderr=output)
    except SystemExit:
        pytest.fail("makemigrations would write:\n" + output.getvalue())
