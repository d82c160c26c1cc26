"""A chapter's card in the directory: its link, and the same markup on every list."""

from django.template.loader import render_to_string
from django.urls import reverse

from chapters.enums import ChapterStatus
from chapters.models import Chapter


def test_a_chapters_link_is_the_reversed_url(demo_chapters):
    for chapter in Chapter.objects.all():
        assert chapter.get_absolute_url() == reverse("chapters:detail", args=[chapter.slug])


def test_a_slug_that_no_form_would_accept_is_still_reversed_and_quoted(db):
    chapter = Chapter(name="Odd", slug="x")
    assert chapter.get_absolute_url() == "/chapters/x/"
    chapter.slug = "ödd"  # the path converter refuses it: reverse() decides, as before
    try:
        expected = reverse("chapters:detail", args=[chapter.slug])
    except Exception as error:  # NoReverseMatch
        expected = type(error)
    try:
        got = chapter.get_absolute_url()
    except Exception as error:
        got = type(error)
    assert got == expected


def test_a_chapter_is_not_a_peers_group():
    assert Chapter.is_peer is False


def test_search_cards_show_link_distance_status_and_revive(demo_chapters, client):
    dormant = Chapter.objects.filter(kind="local").exclude(slug="berlin").first()
    dormant.status = ChapterStatus.DORMANT
    dormant.save()
    html = client.get("/chapters/", {"q": dormant.city}).content.decode()
    assert f'href="{dormant.get_absolute_url()}"' in html
    assert html.count('class="card chapter-card"') >= 1
    assert f'href="{reverse("network:revive", args=[dormant.slug])}"' in html
    assert " km</span>" in html


def test_the_card_include_renders_the_results_partial(demo_chapters):
    chapter = Chapter.objects.filter(kind="local").first()
    html = render_to_string("chapters/includes/chapter_card.html", {"chapter": chapter, "km": 12.4})
    assert html.startswith('\n<li class="card chapter-card">')
    assert f'href="{chapter.get_absolute_url()}"' in html and "12" in html
