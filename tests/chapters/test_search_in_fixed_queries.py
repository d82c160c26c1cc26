"""The search's chapters near a point in one query, the same as the two-step path it replaced,
and a search's query count the same whether chapters are near or not."""

import itertools

import pytest
from django.db import connection
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from chapters.enums import ChapterKind, ChapterStatus
from chapters.geo import hydrate, nearest
from chapters.models import Chapter, PeerChapter, PeerNetwork
from chapters.search import MAX_LOCAL, NEAR_KM, SEARCH_KM, Filters, filtered, local_shown, search
from core import pagecache

DEFAULT = [ChapterStatus.ACTIVE, ChapterStatus.SEMI_ACTIVE]


def _two_step(latitude, longitude, filters, named):
    """What the search did before: every chapter in reach read, chosen here, then loaded."""
    def language_ok(_status, languages):
        return not filters.language or filters.language in languages

    near = nearest(latitude, longitude, SEARCH_KM, chapters=filtered(filters, statuses=False),
                   keep=language_ok)
    local = [row for row in near if row[2] in filters.statuses][:MAX_LOCAL]
    revive = [row for row in near if row[2] == ChapterStatus.DORMANT and row[0] <= NEAR_KM
              and row[2] not in filters.statuses][:3]
    graduated = [row for row in near if row[2] == ChapterStatus.GRADUATED and row[0] <= NEAR_KM
                 and row[2] not in filters.statuses and row[1] not in named][:3]
    shown = hydrate(sorted(local + revive + graduated))
    return ([(c, km) for c, km in shown if c.status in filters.statuses],
            [(c, km) for c, km in shown if c.status == ChapterStatus.DORMANT
             and c.status not in filters.statuses],
            [(c, km) for c, km in shown if c.status == ChapterStatus.GRADUATED
             and c.status not in filters.statuses])


@pytest.fixture
def varied_chapters(demo_chapters):
    """The demo chapters with every status and language among those near Milan and Berlin,
    so the revive and graduated lists, their caps and the language filter all have work."""
    local = list(Chapter.objects.filter(kind=ChapterKind.LOCAL).order_by("pk"))
    statuses = itertools.cycle(ChapterStatus.values)
    languages = itertools.cycle([["de"], ["it", "en"], [], ["en"]])
    for chapter in local:
        chapter.status, chapter.languages = next(statuses), next(languages)
        chapter.save()
    # Copies around Milan: more than MAX_LOCAL local ones and more than 3 of each other list.
    milan = demo_chapters["milan"]
    for i in range(MAX_LOCAL + 8):
        Chapter.objects.create(
            name=f"TWC Near Milan {i}", slug=f"near-milan-{i}", kind=ChapterKind.LOCAL,
            city="Milano", country="IT", latitude=milan.latitude + i * 0.07,
            longitude=milan.longitude - i * 0.05, status=ChapterStatus.values[i % 5],
            languages=[["it"], ["de"], []][i % 3])
    return Chapter.objects.filter(kind=ChapterKind.LOCAL)


FILTERS = [
    Filters(statuses=DEFAULT),
    Filters(statuses=list(ChapterStatus.values)),
    Filters(statuses=[ChapterStatus.DORMANT]),
    Filters(statuses=DEFAULT, language="it"),
    Filters(statuses=DEFAULT, country="IT"),
    Filters(statuses=[]),
    Filters(statuses=DEFAULT, network="ours"),
]


@pytest.mark.parametrize("filters", FILTERS)
def test_one_query_finds_what_the_two_steps_found(varied_chapters, filters):
    points = [(c.latitude, c.longitude) for c in varied_chapters]
    points += [(45.5, 9.3), (52.5, 13.4), (0.0, -160.0), (64.1, -21.9), (-33.9, 151.2)]
    for latitude, longitude in points:
        for named in (set(), set(varied_chapters.filter(
                status=ChapterStatus.GRADUATED).values_list("pk", flat=True)[:2])):
            got = local_shown(latitude, longitude, filters, named=named)
            assert got == _two_step(latitude, longitude, filters, named), (latitude, longitude)


def test_the_distances_are_the_ones_python_computes(varied_chapters):
    from chapters.geo import distance_km

    local, revive, graduated = local_shown(45.46, 9.19, Filters(statuses=DEFAULT), named=set())
    for chapter, km in local + revive + graduated:
        assert km == distance_km(45.46, 9.19, chapter.latitude, chapter.longitude)


@pytest.fixture
def queries(client):
    """How many queries the directory page makes for a search, rendered afresh (the
    partners and peer networks already kept in this process, as after a first request)."""
    def count(**params) -> int:
        params = {"status": DEFAULT, **params}
        client.get("/chapters/", params)
        pagecache.forget()
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/chapters/", params).status_code == 200
        pagecache.forget()
        return len(captured)
    return count


@pytest.mark.parametrize("place", ["Tokyo", "Sydney", "Reykjavik", "Milan", "London"])
def test_a_search_makes_as_many_queries_with_chapters_near_as_without(demo_chapters, queries,
                                                                        place):
    # Large places (no "did you mean"), with the demo's chapters near (Berlin, Milan,
    # London) or none within 400 km (Tokyo, Sydney, Reykjavik).
    assert queries(q=place) == queries(q="Berlin")


def test_a_point_search_makes_as_many_queries_with_chapters_near_as_without(demo_chapters,
                                                                            queries):
    # The partners are looked up for a country: a point's is its nearest chapter's.
    assert queries(lat=52.52, lon=13.40) == queries(lat=45.46, lon=9.19)  # Berlin, Milan
    assert queries(lat=0.0, lon=-160.0) == queries(lat=64.1, lon=-21.9)  # no country known


def test_the_global_fallback_costs_no_query_of_its_own(demo_chapters, queries):
    # Nothing near and no online chapter in the language: Global is offered all the same.
    without = queries(lat=0.0, lon=-160.0, language="de")
    Chapter.objects.filter(kind=ChapterKind.ONLINE).update(languages=["en"])
    results = search("", 0.0, -160.0, Filters(statuses=DEFAULT, language="de"))
    assert [c.slug for c in results.online] == ["global"]
    assert queries(lat=0.0, lon=-160.0, language="de") == without


# The card's markup as the template worked it out before its labels moved to Python.
OLD_CARD = Template(
    """{% load i18n i18n_extras network %}
<li class="card chapter-card">
  <a href="{{ chapter.get_absolute_url }}"{% if target == "_blank" %} target="_blank" rel="noopener"{% endif %}><strong>{{ chapter.name }}</strong></a>
  {% if km is not None %}<span class="distance">{{ km|distance }}</span>{% endif %}
  {% if chapter.status != "active" %}<span class="badge{% if chapter.status != 'semi_active' %} badge-warn{% endif %}">{{ chapter.get_status_display }}</span>{% endif %}
  <br><span class="muted">{% if chapter.kind == "online" %}{% translate "Online" %}{% else %}{{ chapter|chapter_place }}{% endif %}</span>
  {% if chapter.status == "graduated" and chapter.successor_name %}<br>{% if chapter.successor_url %}{% blocktranslate with name=chapter.successor_name url=chapter.successor_url %}Graduated into <a href="{{ url }}" rel="noopener nofollow" target="_blank">{{ name }}</a>{% endblocktranslate %}{% else %}{% blocktranslate with name=chapter.successor_name %}Graduated into {{ name }}{% endblocktranslate %}{% endif %}{% endif %}
  {% revive_offer chapter compact=True %}
</li>
""")  # noqa: E501


@pytest.mark.parametrize("language", ["en", "de", "fr", "es", "it"])
def test_a_card_reads_as_the_template_wrote_it(demo_chapters, language):
    chapters = list(Chapter.objects.order_by("pk"))
    for chapter, status in zip(chapters, itertools.cycle(ChapterStatus.values)):
        chapter.status = status
    graduated = [c for c in chapters if c.status == ChapterStatus.GRADUATED]
    graduated[0].successor_name = 'Union & "Friends" <of tech>'
    graduated[0].successor_url = "https://example.org/?a=1&b=<2>"
    if len(graduated) > 1:
        graduated[1].successor_name, graduated[1].successor_url = "Ver.di & Co", ""
    chapters[0].is_listed = False  # a dormant chapter off the list is offered no revival
    with translation.override(language):
        for chapter, km, target in itertools.product(
                chapters, [None, 0.0, 3.14159, 12.5, 1234.5], ["_self", "_blank"]):
            context = {"chapter": chapter, "target": target}
            if km is not None:
                context["km"] = km
            new = render_to_string("chapters/includes/results.html#chapter_card", context)
            assert new == OLD_CARD.render(Context(context)), (chapter.slug, km, language)


# A peer network's group's card as its include wrote it before its labels moved to Python.
OLD_PEER_CARD = Template(
    """{% load i18n i18n_extras %}<li class="card chapter-card peer-card">
  <a href="{{ group.url }}" rel="noopener nofollow" target="_blank"><strong>{{ group.name }}</strong></a>
  {% if km is not None %}<span class="distance">{% blocktranslate with km=km|floatformat:"0g" %}{{ km }} km{% endblocktranslate %}</span>{% endif %}
  <span class="badge badge-network">{{ group.network.name }}</span>
  {% if group.status != "active" %}<span class="badge{% if group.status != 'semi_active' %} badge-warn{% endif %}">{{ group.get_status_display }}</span>{% endif %}
  <br><span class="muted">{% if group.kind == "online" %}{% translate "Online" %}{% else %}{{ group|chapter_place }}{% endif %}</span>
  {% if group.status == "graduated" and group.successor_name %}<br>{% blocktranslate with name=group.successor_name %}Became {{ name }}{% endblocktranslate %}{% if group.successor_url %} · <a href="{{ group.successor_url }}" rel="noopener nofollow" target="_blank">{% translate "their website" %}</a>{% endif %}{% endif %}
  {% if group.who_may_join %}<details class="peer-rules"><summary>{% translate "Who may join" %}</summary><ul>{% for line in group.who_may_join %}<li>{{ line }}</li>{% endfor %}</ul></details>{% endif %}
  <br><span class="muted">{% blocktranslate with network=group.network.name %}A group of {{ network }}: its page, rules and sign-ups are on that network's site.{% endblocktranslate %}</span>
</li>
""")  # noqa: E501


@pytest.mark.parametrize("language", ["en", "de", "fr", "es", "it"])
def test_a_peers_card_reads_as_the_template_wrote_it(db, language):
    network = PeerNetwork(name='IWW & "TWOC" <x>', slug="iww", base_url="https://iww.example")
    groups = []
    for (status, kind), rules, successor in itertools.product(
            itertools.product(ChapterStatus.values, ChapterKind.values),
            [[], ["Tech workers", "No <bosses> & managers"]],
            [("", ""), ("Union & Co", ""), ("Union & Co", "https://u.example/?a=1&b=2")]):
        groups.append(PeerChapter(
            network=network, name="Group <&>", kind=kind, status=status, city="Köln",
            region="NRW", country="DE", url="https://iww.example/g?1&2", who_may_join=rules,
            successor_name=successor[0], successor_url=successor[1]))
    with translation.override(language):
        for group, km in itertools.product(groups, [None, 0.0, 3.14159, 12.5, 1234.5]):
            context = {"group": group, "km": km}
            new = render_to_string("chapters/includes/results.html#peer_card", context)
            assert new == OLD_PEER_CARD.render(Context(context)), (group.status, km, language)
            assert render_to_string("chapters/includes/peer_card.html", context) == new


@pytest.mark.parametrize("language", ["", "de"])
def test_peers_near_are_the_ones_the_python_sort_found(db, language):
    from chapters.geo import distance_km
    from chapters.search import peers_near

    network = PeerNetwork.objects.create(name="IWW", slug="iww", base_url="https://iww.example")
    for i in range(60):  # more than MAX_LOCAL within reach, some beyond it, some online
        PeerChapter.objects.create(
            network=network, remote_id=str(i), name=f"G{i}", status=ChapterStatus.ACTIVE,
            kind=ChapterKind.ONLINE if i % 7 == 0 else ChapterKind.LOCAL,
            latitude=52.5 + (i % 10) * 0.4, longitude=13.4 - (i // 10) * 0.5,
            languages=[["de"], ["en"]][i % 2], url=f"https://iww.example/{i}",
            updated_at="2026-01-01T00:00:00Z")
    filters = Filters(statuses=DEFAULT, language=language)
    expected = sorted(
        (distance_km(52.52, 13.40, g.latitude, g.longitude), g.pk, g)
        for g in PeerChapter.objects.filter(kind=ChapterKind.LOCAL)
        if distance_km(52.52, 13.40, g.latitude, g.longitude) <= SEARCH_KM
        and (not language or language in g.languages))[:MAX_LOCAL]
    got = peers_near(52.52, 13.40, SEARCH_KM, filters)
    assert [(g.pk, km) for g, km in got] == [(g.pk, km) for km, _pk, g in expected]
    assert len(got) == MAX_LOCAL
