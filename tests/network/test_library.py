"""The network library: sharing with today's upload checks, files served as attachments,
the program's training resources shown in it."""

import pytest
from django import forms
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from audit.models import AuditAction, AuditEvent
from cdp.models import TrainingResource
from cdp.uploads import MAX_UPLOAD_BYTES
from network.forms import LibraryFilterForm, RenderedOnceSelect
from network.models import Material
from tests.factories import make_material

PDF = b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n"


def _share(client, chapter, **data):
    files = {"file": data.pop("file")} if "file" in data else {}
    return client.post(reverse("network:library_share"), {
        "chapter": chapter.pk, "title": "Onboarding slides", "languages": ["en", "it"],
        "tags": "Slides, onboarding", **data, **files})


def test_an_organizer_shares_a_file_for_their_chapter(as_user, alice, chapter_a):
    response = _share(as_user(alice), chapter_a,
                      file=SimpleUploadedFile("slides.pdf", PDF))
    assert response.status_code == 302
    material = Material.objects.get()
    assert (material.chapter, material.shared_by, material.languages, material.tags) == (
        chapter_a, alice, ["en", "it"], ["slides", "onboarding"])
    assert AuditEvent.objects.filter(action=AuditAction.MATERIAL_CHANGED).count() == 1


@pytest.mark.parametrize(("name", "content"), [
    ("slides.pdf", b"<html><script>alert(1)</script>"), ("flyer.svg", b"<svg/>"),
    ("page.txt", b"<!DOCTYPE html><p>"), ("fake.png", PDF), ("noext", PDF),
])
def test_uploads_keep_todays_checks(as_user, alice, chapter_a, name, content):
    response = _share(as_user(alice), chapter_a, file=SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert "Onboarding slides" in response.content.decode()  # what was typed is kept
    assert not Material.objects.exists()


def test_uploads_over_10_mb_are_refused(as_user, alice, chapter_a):
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * MAX_UPLOAD_BYTES)
    assert _share(as_user(alice), chapter_a, file=big).status_code == 400


def test_a_link_or_a_file_is_needed(as_user, alice, chapter_a):
    assert _share(as_user(alice), chapter_a).status_code == 400
    assert _share(as_user(alice), chapter_a, url="https://example.org/slides").status_code == 302


def test_nobody_shares_for_a_chapter_they_do_not_organize(as_user, alice, chapter_b):
    assert _share(as_user(alice), chapter_b, url="https://example.org/x").status_code == 400
    assert not Material.objects.exists()


def test_files_are_downloaded_never_rendered(as_user, carol, chapter_a):
    material = make_material(chapter_a)
    response = as_user(carol).get(reverse("network:library_file", args=[material.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_training_resources_are_part_of_the_library(as_user, carol, chapter_a):
    resource = TrainingResource(title="Organizing 101", language="it")
    resource.file.save("organizing-101.pdf", ContentFile(PDF), save=True)
    TrainingResource.objects.create(title="Running a meeting", url="https://example.org/m",
                                    language="en")
    make_material(chapter_a, title="Flyer template", languages=["en"], tags=["flyer"])
    client = as_user(carol)
    page = client.get(reverse("network:library")).content.decode()
    assert "Organizing 101" in page and "Running a meeting" in page and "Flyer template" in page
    assert reverse("network:training_file", args=[resource.pk]) in page
    download = client.get(reverse("network:training_file", args=[resource.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    # one filter for both
    italian = client.get(reverse("network:library"), {"language": "it"}).content.decode()
    assert "Organizing 101" in italian and "Flyer template" not in italian
    assert "Running a meeting" not in italian
    flyers = client.get(reverse("network:library"), {"tag": "Flyer"}).content.decode()
    assert "Flyer template" in flyers and "Organizing 101" not in flyers


@pytest.mark.parametrize("size", [1, 8])
def test_the_library_makes_the_same_queries_at_two_sizes(as_user, carol, chapter_a, chapter_b,
                                                         size, django_assert_num_queries):
    for n in range(size):
        make_material(chapter_a if n % 2 else chapter_b, title=f"M{n}", file=False)
        TrainingResource.objects.create(title=f"T{n}", url="https://example.org/t",
                                        language="en")
    client = as_user(carol)
    client.get(reverse("network:library"))
    # session, person, memberships (library access), count, page, training resources; the
    # second factor and organizer roles come from the session (members/roles.py)
    with django_assert_num_queries(6):
        assert client.get(reverse("network:library")).status_code == 200


def test_removing_needs_the_organizers_of_the_sharing_chapter(as_user, alice, bob, chapter_a):
    material = make_material(chapter_a)
    url = reverse("network:library_remove", args=[material.pk])
    assert as_user(bob).post(url, {"confirm": "yes"}).status_code == 403
    assert as_user(alice).post(url, {"confirm": "yes"}).status_code == 302
    assert not Material.objects.exists()


def _select_html(widget_class, value, language):
    choices = LibraryFilterForm.base_fields["language"].choices
    with translation.override(language):
        return widget_class(choices=choices).render("language", value, {"id": "id_language"})


@pytest.mark.parametrize("value", [None, "", "de", "pt-br", "xx", "<b>"])
@pytest.mark.parametrize("language", ["en", "de", "fr"])
def test_the_language_filter_is_djangos_own_select_rendered_once(value, language):
    RenderedOnceSelect._kept.clear()
    expected = _select_html(forms.Select, value, language)
    assert _select_html(RenderedOnceSelect, value, language) == expected
    assert _select_html(RenderedOnceSelect, value, language) == expected  # kept, the same
    # A value that is none of the choices is rendered each time and never kept.
    assert len(RenderedOnceSelect._kept) == (0 if value in ("xx", "<b>") else 1)


def test_the_kept_select_is_per_language():
    RenderedOnceSelect._kept.clear()
    widget = RenderedOnceSelect(choices=[("", gettext_lazy("Any language")), ("de", "German")])
    for language in ("en", "de"):
        with translation.override(language):
            assert widget.render("language", "", {}) == forms.Select(
                choices=widget.choices).render("language", "", {})
    assert len(RenderedOnceSelect._kept) == 2


def test_the_library_page_shows_the_chosen_language(as_user, alice):
    client = as_user(alice)
    for language in ("de", "fr", ""):
        page = client.get(reverse("network:library"), {"language": language}).content.decode()
        assert f'<option value="{language}" selected>' in page
        assert page.count(" selected>") == 1
