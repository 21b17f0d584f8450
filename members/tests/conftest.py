import pytest
from django.core.management import call_command

from members.tests.factories import ensure_counties


@pytest.fixture
def counties(db):
    return ensure_counties()


@pytest.fixture
def demo(counties):
    """The members app's demo content (and the news and projects demo that load_demo adds)."""
    call_command("load_demo", verbosity=0)
    return counties
