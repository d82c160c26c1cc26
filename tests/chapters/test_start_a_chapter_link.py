"""The directory's "start a chapter" link, where no chapter is near, carries the place."""

import re
from urllib.parse import quote

from django.urls import reverse


def test_the_start_a_chapter_link_carries_the_searched_place(client, gazetteer, baseline):
    from chapters.geo import resolve_place

    place = resolve_place("Reykjavik")[0]
    html = client.get(reverse("chapters:directory"), {"q": "Reykjavik"}).content.decode()
    assert "No chapter within 100 km" in html
    links = re.findall(r'href="(/start-a-chapter/\?[^"]*)"', html)
    assert links == [f"/start-a-chapter/?city={quote(place.name)}&amp;country={place.country_code}"]
