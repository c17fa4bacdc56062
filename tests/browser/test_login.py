import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_caseworker_logs_in_with_password_and_one_time_code(page, world, browser_login, assert_accessible):
    page.goto("/account/login/")
    assert_accessible(page)
    browser_login(world.caseworker)
    assert "/account/" not in page.url
    assert page.get_by_role("button", name="Logga ut").is_visible()
    assert page.url.endswith("/worklist/")
    assert_accessible(page)
