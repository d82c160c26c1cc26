"""What a chapter's name (and a proposed one, in an application) may hold."""

import pytest
from django.core.exceptions import ValidationError

from chapters.models import Chapter
from chapters.validators import validate_chapter_name

ACCEPTED = ["TWC Berlin", "TWC São Paulo", "TWC Zürich", "TWC Kraków", "TWC Москва",
            "TWC 東京", "TWC मुंबई", "TWC القاهرة", "TWC Côte d'Ivoire", "TWC Saint-Étienne",
            "Riders & Couriers (Milan)", "TWC Bay Area / Oakland", "TWC St. Louis, MO",
            "TWC L’Aquila", "TWC 2"]
REFUSED = ['TWC Graz<meta http-equiv="refresh" content="0;url=https://evil.example">',
           "TWC <b>Bold</b>", 'TWC "Quoted"', "verify at https://evil.example/login",
           "TWC Graz; DROP", "TWC @everyone", "TWC #1", "TWC\tTab", "TWC\nBerlin",
           "TWC\u202eBerlin", " TWC Berlin", "TWC  Berlin", "TWC = Berlin", "TWC_Berlin"]


@pytest.mark.parametrize("name", ACCEPTED)
def test_letters_of_any_script_digits_and_a_few_marks_are_accepted(name):
    validate_chapter_name(name)


@pytest.mark.parametrize("name", REFUSED)
def test_markup_links_and_control_characters_are_refused(name):
    with pytest.raises(ValidationError):
        validate_chapter_name(name)


def test_the_chapter_model_checks_its_name(db):
    chapter = Chapter(name="TWC <script>", slug="x", kind="online", status="active",
                      languages=["en"])
    with pytest.raises(ValidationError) as error:
        chapter.full_clean()
    assert "name" in error.value.message_dict
