"""A chapter's description in several languages: each visitor reads theirs, else the one in
the chapter's first language; the cached public page follows every edit at once."""

import pytest
from django.conf import settings
from django.urls import reverse

from chapters.models import ChapterDescription, ChapterRevision
from tests import factories


def _visit(client, chapter, language: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(chapter.get_absolute_url()).content.decode()


@pytest.fixture
def bilingual(chapter_a):
    chapter_a.languages = ["en", "de"]
    chapter_a.description = "Tech workers in Alpha organizing together."
    chapter_a.save()
    ChapterDescription.objects.create(chapter=chapter_a, language="de",
                                      text="Beschäftigte der Tech-Branche organisieren sich.")
    return chapter_a


def test_each_visitor_reads_the_description_in_their_language(bilingual, client):
    german = _visit(client, bilingual, "de")
    assert "Beschäftigte der Tech-Branche organisieren sich." in german
    assert "Tech workers in Alpha organizing together." not in german
    english = _visit(client, bilingual, "en")
    assert "Tech workers in Alpha organizing together." in english
    assert "Beschäftigte" not in english


def test_without_a_translation_the_chapters_first_language_is_shown_marked_as_such(bilingual,
                                                                                    client):
    italian = _visit(client, bilingual, "it")
    assert '<div class="chapter-description" lang="en">' in italian
    assert "Tech workers in Alpha organizing together." in italian


def test_a_translation_only_chapter_still_shows_one(chapter_a, client):
    ChapterDescription.objects.create(chapter=chapter_a, language="fr", text="Une section.")
    assert "Une section." in _visit(client, chapter_a, "en")


def test_the_cached_page_follows_an_edit_of_a_translation(bilingual, client, alice, as_user):
    assert "Beschäftigte" in _visit(client, bilingual, "de")  # now cached for German visitors
    response = as_user(alice).post(reverse("chapters:edit", args=[bilingual.slug]), {
        "description": bilingual.description, "languages": ["en", "de"],
        "description_de": "Neuer Text für Besucher*innen.",
    })
    assert response.status_code == 302
    assert "Neuer Text für Besucher*innen." in _visit(client, bilingual, "de")
    assert "Tech workers in Alpha organizing together." in _visit(client, bilingual, "en")


def test_the_edit_page_offers_a_box_per_other_language_and_records_changes(bilingual, alice,
                                                                          as_user):
    url = reverse("chapters:edit", args=[bilingual.slug])
    html = as_user(alice).get(url).content.decode()
    assert "Description (in English)" in html
    for code in ("it", "de", "fr", "es"):
        assert f'name="description_{code}"' in html
    assert 'name="description_en"' not in html  # English is the main description here
    assert "Beschäftigte der Tech-Branche" in html
    as_user(alice).post(url, {"description": bilingual.description, "languages": ["en", "de"],
                              "description_de": "", "description_it": "Lavoratori tech."})
    assert dict(bilingual.descriptions.values_list("language", "text")) == {
        "it": "Lavoratori tech."}
    revision = ChapterRevision.objects.filter(chapter=bilingual).first()
    assert revision.fields == ["description_de", "description_it"] and revision.changed_by == alice


def test_saving_unchanged_translations_records_nothing(bilingual, alice, as_user):
    as_user(alice).post(reverse("chapters:edit", args=[bilingual.slug]), {
        "description": bilingual.description, "languages": ["en", "de"],
        "description_de": "Beschäftigte der Tech-Branche organisieren sich."})
    assert not ChapterRevision.objects.filter(chapter=bilingual).exists()


def test_others_cannot_edit_translations(bilingual, bob, carol, as_user):
    url = reverse("chapters:edit", args=[bilingual.slug])
    for person in (bob, carol):
        assert as_user(person).post(url, {"description_de": "Übernommen."}).status_code == 403
    assert bilingual.descriptions.get().text.startswith("Beschäftigte")


def test_the_chapter_page_names_its_organizers_by_display_name_only(chapter_a, client):
    named = factories.make_organizer(chapter_a, "named@example.org")
    named.display_name = "Priya"
    named.save()
    nameless = factories.make_organizer(chapter_a, "nameless@example.org")
    nameless.display_name = ""
    nameless.save()
    member = factories.make_user("member@example.org", display_name="Carla")
    factories.make_membership(member, chapter_a)
    html = client.get(chapter_a.get_absolute_url()).content.decode()
    assert "Organizer: Priya" in html
    assert "Carla" not in html and "Member #" not in html
    assert "named@example.org" not in html and "nameless@example.org" not in html
