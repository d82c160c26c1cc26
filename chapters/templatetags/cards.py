"""`{% card_of chapter km as card %}`: a result card's labels, worked out in Python
(chapters/cards.py)."""

from django import template

from ..cards import card

register = template.Library()
register.simple_tag(card, name="card_of")
