"""`{% card_of chapter km as card %}` and `{% peer_card_of group km as card %}`: a result
card's labels, worked out in Python (chapters/cards.py); `results|online_key:target`, what
the online chapters' section of the results follows from."""

from django import template

from ..cards import card, peer_card

register = template.Library()
register.simple_tag(card, name="card_of")
register.simple_tag(peer_card, name="peer_card_of")


@register.filter
def online_key(results, target) -> tuple | None:
    """The key under which `{% once %}` keeps the online chapters' section (the language
    aside): the chapters shown, the data version of chapters they were read under (not the
    version now: a change between the read and the rendering would keep old cards under the
    new version), and where links open. The same twenty cards end nearly every search,
    whatever place was typed."""
    if not results.online or not results.online_version:
        return None
    return (target, results.online_version, tuple(c.pk for c in results.online))
