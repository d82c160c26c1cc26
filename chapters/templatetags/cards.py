"""`{% card_of chapter km as card %}` and `{% peer_card_of group km as card %}`: a result
card's labels, worked out in Python (chapters/cards.py)."""

from django import template

from ..cards import card, peer_card

register = template.Library()
register.simple_tag(card, name="card_of")
register.simple_tag(peer_card, name="peer_card_of")
