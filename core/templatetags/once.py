"""`{% once key %}…{% endonce %}`: a part of a page rendered once per key and language.

For parts whose HTML follows from a few values alone and that cost more to render than to
look up: the directory's filters (about 300 options and checkboxes, for every search)
depend only on the language, the networks to choose from and the values chosen. A key of
None renders the part as usual, every time (a filter with an error, say).
"""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

_rendered: dict[tuple, str] = {}
MAX_KEPT = 512  # per process; a few kilobytes each


class OnceNode(template.Node):
    def __init__(self, key: template.base.FilterExpression, nodelist: template.NodeList):
        self.key = key
        self.nodelist = nodelist

    def render(self, context) -> str:
        key = self.key.resolve(context, ignore_failures=True)
        if key is None:
            return self.nodelist.render(context)
        key = (id(self), get_language(), key)
        html = _rendered.get(key)
        if html is None:
            html = str(self.nodelist.render(context))
            if len(_rendered) >= MAX_KEPT:
                _rendered.clear()
            _rendered[key] = html
        return mark_safe(html)


def forget() -> None:
    """Drop every part kept (pagecache.forget: tests, and measuring what a page costs)."""
    _rendered.clear()


@register.tag
def once(parser, token):
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError("{% once key %} takes one key.")
    nodelist = parser.parse(("endonce",))
    parser.delete_first_token()
    return OnceNode(parser.compile_filter(bits[1]), nodelist)
