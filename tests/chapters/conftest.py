import pytest

from chapters import demo
from chapters.models import Chapter
from tests.gazetteer import _gazetteer_once, gazetteer  # noqa: F401


@pytest.fixture
def demo_chapters(gazetteer, baseline):
    """The demo network's chapters (Berlin, the four in Italy, the US ones, London, Global)."""
    demo.load()
    return {chapter.slug: chapter for chapter in Chapter.objects.all()}
