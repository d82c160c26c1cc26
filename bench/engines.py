"""Is the template engine the floor? One card list under Django's engine, Jinja2 and plain Python.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/twc_bench \
        uv run --with jinja2 python bench/engines.py [--cards 64] [--rounds 200]

Issue 21 asks, once the per-row work is out of the templates, to measure the same page under
Jinja2 before deciding whether Django's template engine is what keeps a cache miss slow. This
renders the directory's result card (the `chapter_card` partial of
`templates/chapters/includes/results.html`, the most repeated piece of markup a miss renders)
for the same chapters in three ways, checks that the three give the same HTML, and prints the
CPU per list and per card in English and German:

- Django's template engine: the card as the project writes it, a `{% partialdef %}` used in
  a loop, its labels from `chapters.cards.card` (`{% card_of %}`) and the same revive tag;
- Jinja2 (the `jinja2.ext.i18n` extension on Django's own gettext): the same card, the same
  labels;
- plain Python: `format_html` per card, the floor any engine is measured against.

Jinja2 is not a dependency of the project: `uv run --with jinja2` brings it for this run only.
Not a test and not a load run.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# The card as results.html writes it, read from the template itself (its loads, then its
# `chapter_card` partial), in a loop as the results use it. Its labels are worked out in
# Python (chapters/cards.py) for all three renderers; what differs is the markup.
RESULTS = ROOT / "templates" / "chapters" / "includes" / "results.html"


def django_card() -> str:
    source = RESULTS.read_text()
    loads = source[: source.index("%}") + 2]
    start = source.index("{% partialdef chapter_card %}")
    end = source.index("{% endpartialdef %}", start) + len("{% endpartialdef %}")
    return (loads + source[start:end] + '<ul class="card-list">{% for chapter, km in rows %}'
            "{% partial chapter_card %}{% endfor %}</ul>")


# The same card for Jinja2 (kept in step with the template by hand: the script fails when
# the renderings differ).
JINJA_CARD = """<ul class="card-list">{% for chapter, km in rows %}{% set card = card_of(chapter, km) %}
<li class="card chapter-card">
  <a href="{{ card.url }}"{% if target == "_blank" %} target="_blank" rel="noopener"{% endif %}><strong>{{ card.name }}</strong></a>
  {% if card.distance is not none %}<span class="distance">{{ card.distance }}</span>{% endif %}
  {% if card.badge %}<span class="badge{{ card.badge_class }}">{{ card.badge }}</span>{% endif %}
  <br><span class="muted">{{ card.place }}</span>
  {% if card.graduated_into %}<br>{{ card.graduated_into }}{% endif %}
  {{ revive_offer(chapter, compact=True) }}
</li>
{% endfor %}</ul>"""  # noqa: E501


def python_cards(rows, target) -> str:
    """The same card list built with format_html: no engine at all."""
    from django.utils.html import format_html, format_html_join
    from django.utils.safestring import mark_safe

    from chapters.cards import card
    from network.templatetags.network import revive_offer

    blank = mark_safe(' target="_blank" rel="noopener"') if target == "_blank" else ""

    def fields(chapter, km):
        c = card(chapter, km)
        distance = (format_html('<span class="distance">{}</span>', c.distance)
                    if c.distance is not None else "")
        badge = (format_html('<span class="badge{}">{}</span>', c.badge_class, c.badge)
                 if c.badge else "")
        graduated = format_html("<br>{}", c.graduated_into) if c.graduated_into else ""
        return (c.url, blank, c.name, distance, badge, c.place, graduated,
                revive_offer(chapter, compact=True))

    items = format_html_join("", (
        '\n<li class="card chapter-card">\n  <a href="{}"{}><strong>{}</strong></a>\n  {}\n'
        '  {}\n  <br><span class="muted">{}</span>\n  {}\n  {}\n</li>\n'),
        (fields(chapter, km) for chapter, km in rows))
    return format_html('<ul class="card-list">{}</ul>', items)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=64,
                        help="cards in the list (a full-size search shows about 64)")
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()

    from bench.where import production_settings

    production_settings()
    try:
        import jinja2
    except ImportError:
        sys.exit("Jinja2 is not installed: run this with `uv run --with jinja2 python ...`")
    from django.template import engines
    from django.utils import translation
    from django.utils.translation import gettext, ngettext

    from chapters.cards import card
    from chapters.models import Chapter
    from network.templatetags.network import revive_offer

    # Chapters as a search shows them: mostly active ones, an eighth online, a quarter of the
    # other statuses (dormant, graduated, ...), round robin.
    by_status = {status: list(Chapter.objects.filter(status=status).order_by("id")[: args.cards])
                 for status in Chapter.objects.exclude(status="active")
                 .values_list("status", flat=True).distinct()}
    others = [c for group in zip(*by_status.values()) for c in group][: args.cards // 4]
    online = list(Chapter.objects.filter(kind="online").order_by("id")[: args.cards // 8])
    active = list(Chapter.objects.filter(status="active").order_by("id")[: args.cards])
    chapters = list(dict.fromkeys(online + others + active))[: args.cards]
    rows = [(chapter, None if chapter.kind == "online" else 1.5 + 7.3 * index)
            for index, chapter in enumerate(chapters)]
    context = {"rows": rows, "target": "_self"}

    django_template = engines["django"].from_string(django_card())
    env = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.globals.update(card_of=card, revive_offer=revive_offer)
    jinja_template = env.from_string(JINJA_CARD)
    renderings = {
        "Django templates": lambda: django_template.render(context),
        "Jinja2": lambda: jinja_template.render(context),
        "plain Python (format_html)": lambda: str(python_cards(rows, "_self")),
    }

    print(f"{len(rows)} cards ({sum(c.status != 'active' for c in chapters)} not active, "
          f"{sum(c.kind == 'online' for c in chapters)} online), {args.rounds} rounds, "
          f"Jinja2 {jinja2.__version__}")
    for language in ("en", "de"):
        with translation.override(language):
            # Jinja2 (markupsafe) writes an apostrophe as &#39;, Django as &#x27;: the same HTML.
            outputs = {name: render().replace("&#39;", "&#x27;")
                       for name, render in renderings.items()}
            reference = outputs["Django templates"]
            for name, output in outputs.items():
                if output != reference:
                    at = next(i for i, (a, b) in enumerate(zip(output, reference)) if a != b)
                    sys.exit(f"{name} differs from Django's at {at} ({language}):\n"
                             f"{reference[at - 80:at + 80]!r}\n{output[at - 80:at + 80]!r}")
            print(f"\n{language}: the three renderings are the same HTML "
                  f"({len(reference):,} characters)")
            for name, render in renderings.items():
                best = float("inf")
                for _ in range(5):  # best of 5 runs of rounds: the least disturbed
                    started = time.process_time()
                    for _ in range(args.rounds // 5):
                        render()
                    best = min(best, (time.process_time() - started) / (args.rounds // 5))
                print(f"  {name:28} {best * 1000:7.2f} ms per list, "
                      f"{best * 1e6 / len(rows):6.1f} us per card")


if __name__ == "__main__":
    main()
