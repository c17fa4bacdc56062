"""Swedish first: pages ignore the browser's language; the switch and the API's header decide."""

from django.conf import settings


def test_pages_are_swedish_whatever_the_browser_asks_for(client, db):
    page = client.get("/account/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Logga in i Rätt väg" in page
    assert '<html lang="sv"' in page


def test_the_language_switch_gives_english(client, db):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/account/login/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get("/account/login/").content.decode()
    assert "Log in to Rätt väg" in page
    assert '<html lang="en"' in page


def test_the_api_follows_accept_language(client, db):
    swedish = client.get("/api/v1/clients").json()["message"]
    english = client.get("/api/v1/clients", HTTP_ACCEPT_LANGUAGE="en").json()["message"]
    assert swedish != english
