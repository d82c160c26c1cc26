import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from core.emails import enqueue_email, recipient_language, render_email
from tests import factories
from tests.tasks import run_queued_tasks

SKIP_LINK = {
    "en": "Skip to content",
    "it": "Vai al contenuto",
    "de": "Zum Inhalt springen",
    "fr": "Aller au contenu",
    "es": "Saltar al contenido",
}
TRANSLATED = ["it", "de", "fr", "es"]
COOKIE = settings.LANGUAGE_COOKIE_NAME


@pytest.fixture
def main_pages(chapter_a):
    return {
        "home": reverse("chapters:home"),
        "directory": reverse("chapters:directory"),
        "chapter": reverse("chapters:detail", args=[chapter_a.slug]),
        "sessions": reverse("onboarding:list"),
        "sign-in": reverse("account_login"),
    }


def assert_in_language(response, language):
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert SKIP_LINK[language] in html
    assert response.headers["Content-Language"] == language


@pytest.mark.parametrize("language", TRANSLATED)
def test_main_pages_follow_the_browsers_accept_language(client, main_pages, language):
    for url in main_pages.values():
        assert_in_language(client.get(url, headers={"accept-language": f"{language},en;q=0.5"}), language)


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_language_cookie_wins_over_accept_language(client, main_pages, language):
    client.cookies[COOKIE] = language
    for url in main_pages.values():
        assert_in_language(client.get(url, headers={"accept-language": "en"}), language)


def test_pages_are_english_without_a_preference(client, main_pages):
    assert_in_language(client.get(main_pages["home"]), "en")
    assert_in_language(client.get(main_pages["home"], headers={"accept-language": "ja"}), "en")


def test_urls_are_the_same_in_every_language(client, db):
    client.cookies[COOKIE] = "de"
    assert reverse("chapters:directory") == "/chapters/"
    assert client.get("/chapters/").status_code == 200
    assert client.get("/de/chapters/").status_code == 404


def test_every_page_offers_the_switcher_with_each_language_in_its_own_name(client, db):
    html = client.get(reverse("chapters:home")).content.decode()
    assert f'action="{reverse("set_language")}"' in html
    for code, name in [("it", "Italiano"), ("de", "Deutsch"), ("fr", "Français"), ("es", "Español")]:
        assert f'<option value="{code}" lang="{code}">{name}</option>' in html


def test_switching_language_remembers_it_in_a_cookie_and_returns_to_the_page(client, db):
    response = client.post(reverse("set_language"), {"language": "it", "next": "/chapters/"})
    assert response.status_code == 302
    assert response.url == "/chapters/"
    assert response.cookies[COOKIE].value == "it"
    assert_in_language(client.get("/chapters/"), "it")


def test_switching_language_needs_a_post(client):
    assert client.get(reverse("set_language"), {"language": "it"}).status_code == 405


def test_switching_does_not_redirect_to_another_site(client):
    response = client.post(reverse("set_language"), {"language": "de", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response.url == "/"


def test_a_signed_in_persons_choice_is_saved_on_their_profile(carol, as_user):
    client = as_user(carol)
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    carol.refresh_from_db()
    assert carol.preferred_language == "fr"


def test_an_unknown_language_changes_nothing(carol, as_user):
    client = as_user(carol)
    response = client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert response.status_code == 302
    assert COOKIE not in response.cookies
    carol.refresh_from_db()
    assert carol.preferred_language == ""


def test_the_saved_choice_is_used_on_a_new_device_without_a_cookie(carol, as_user):
    carol.preferred_language = "es"
    carol.save()
    client = as_user(carol)
    assert_in_language(client.get("/", headers={"accept-language": "de"}), "es")


def test_this_devices_cookie_wins_over_the_saved_choice(carol, as_user):
    carol.preferred_language = "es"
    carol.save()
    client = as_user(carol)
    client.cookies[COOKIE] = "it"
    assert_in_language(client.get("/"), "it")
    carol.refresh_from_db()
    assert carol.preferred_language == "es"


def test_a_choice_made_before_signing_in_is_saved_when_the_profile_has_none(carol, as_user):
    client = as_user(carol)
    client.cookies[COOKIE] = "de"
    assert_in_language(client.get("/"), "de")
    carol.refresh_from_db()
    assert carol.preferred_language == "de"


def test_language_for_gives_the_recipients_saved_language_or_english(db):
    german = factories.make_user("Grete@example.org", preferred_language="de")
    nobody_chose = factories.make_user("sam@example.org")
    assert recipient_language(german) == "de"
    assert recipient_language(email="grete@example.org") == "de"
    assert recipient_language(nobody_chose) == "en"
    assert recipient_language(email="stranger@example.org") == "en"
    assert recipient_language(None) == "en"


EMAIL = {
    "it": ("Un saluto dalla rete", "Ciao Sam, questo messaggio arriva da"),
    "de": ("Hallo vom Netzwerk", "Hallo Sam, diese Nachricht kommt von"),
    "fr": ("Bonjour de la part du réseau", "Bonjour Sam, ce message vous est envoyé par"),
    "es": ("Un saludo de la red", "Hola, Sam: este mensaje te lo envía"),
}


@pytest.mark.parametrize("language", TRANSLATED)
def test_an_email_renders_in_each_language(language):
    subject, body = render_email("test_message", {"name": "Sam"}, language)
    assert subject == EMAIL[language][0]
    assert body.startswith(EMAIL[language][1])
    assert settings.NETWORK_NAME in body


def test_an_email_goes_out_in_the_recipients_saved_language(db):
    person = factories.make_user("ines@example.org", preferred_language="es")
    enqueue_email(person.email, "test_message", {"name": "Inés"}, recipient_language(person))
    run_queued_tasks()
    assert mail.outbox[0].subject.endswith(EMAIL["es"][0])
    assert mail.outbox[0].body.startswith("Hola, Inés:")
