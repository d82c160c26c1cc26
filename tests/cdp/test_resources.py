"""Training resources: who may see them, what may be uploaded, and how files are served."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cdp.forms import TrainingResourceForm
from cdp.models import TrainingResource
from cdp.uploads import MAX_UPLOAD_BYTES, validate_resource_file

PDF = b"%PDF-1.7\n%\xe2\xe3\n1 0 obj\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20


@pytest.mark.parametrize(("name", "content"), [
    ("guide.pdf", PDF), ("logo.png", PNG), ("photo.JPG", b"\xff\xd8\xff\xe0" + b"0" * 10),
    ("notes.txt", "Guía para organizar\n".encode()), ("doc.docx", b"PK\x03\x04rest"),
    ("doc.odt", b"PK\x03\x04rest"),
])
def test_allowed_files_pass(name, content):
    validate_resource_file(SimpleUploadedFile(name, content))


@pytest.mark.parametrize(("name", "content"), [
    ("page.html", b"<html>"), ("evil.pdf", b"<script>alert(1)</script>"),
    ("fake.png", PDF), ("x.svg", b"<svg/>"), ("page.txt", b"<!DOCTYPE html><p>"),
    ("bin.txt", b"\x00\x01\x02"), ("noext", PDF), ("doc.docx", PDF),
])
def test_wrong_type_or_content_is_refused(name, content):
    with pytest.raises(ValidationError):
        validate_resource_file(SimpleUploadedFile(name, content))


def test_files_over_10_mb_are_refused():
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * MAX_UPLOAD_BYTES)
    with pytest.raises(ValidationError):
        validate_resource_file(big)


def test_the_upload_form_keeps_the_checks(db):
    form = TrainingResourceForm(data={"title": "T", "language": "en"},
                                files={"file": SimpleUploadedFile("a.pdf", b"<html>")})
    assert not form.is_valid() and "file" in form.errors
    form = TrainingResourceForm(data={"title": "T", "language": "en"})
    assert not form.is_valid()


@pytest.fixture
def pdf_resource(db):
    resource = TrainingResource(title="Guide", language="en")
    resource.file.save("guide.pdf", ContentFile(PDF))
    return resource


def test_files_are_downloaded_never_rendered(pdf_resource, applicant, application, as_user):
    response = as_user(applicant).get(reverse("cdp:resource_file", args=[pdf_resource.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF


def test_resources_page_is_for_program_participants(pdf_resource, application, applicant,
                                                    coach, admin_user, carol, alice,
                                                    as_user, client):
    TrainingResource.objects.create(title="Link one", url="https://example.org/x")
    for person in (applicant, coach, admin_user):
        html = as_user(person).get(reverse("cdp:resources")).content.decode()
        assert "Guide" in html and "Link one" in html
    for person in (carol, alice):
        assert as_user(person).get(reverse("cdp:resources")).status_code == 403
        assert as_user(person).get(reverse("cdp:resource_file", args=[pdf_resource.pk])
                                   ).status_code == 403
    assert client.get(reverse("cdp:resources")).status_code == 302
    assert client.get(reverse("cdp:resource_file", args=[pdf_resource.pk])).status_code == 302


def test_a_link_resource_has_no_file_download(application, applicant, as_user):
    resource = TrainingResource.objects.create(title="Link", url="https://example.org/x")
    assert as_user(applicant).get(reverse("cdp:resource_file", args=[resource.pk])
                                  ).status_code == 404
