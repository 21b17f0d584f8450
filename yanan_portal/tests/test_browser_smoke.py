import pytest


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_home_opens_in_chromium(phone_page):
    phone_page.goto("/")
    assert "延安市老区建设促进会" in phone_page.title()
    assert phone_page.console_errors == []
