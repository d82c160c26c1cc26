"""Find user-facing text in templates that is not marked for translation.

A template is read with Django's own Lexer: tags and variables are dropped, and so is the
text inside {% blocktranslate %} and {% comment %} blocks. What is left is parsed as HTML
(plain text for .txt emails); visible text and translatable attributes (alt, title,
placeholder, aria-label, meta description, button values...) must not contain letters.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.template.base import Lexer, TokenType

# Blocks whose inner text is translated or never shown.
SKIPPED_BLOCKS = {
    "blocktranslate": "endblocktranslate",
    "blocktrans": "endblocktrans",
    "comment": "endcomment",
}
TRANSLATABLE_ATTRIBUTES = {
    "alt", "title", "placeholder", "aria-label", "aria-description", "aria-roledescription",
    "aria-valuetext", "label", "hx-confirm", "hx-prompt", "data-confirm",
}
TRANSLATABLE_META = {"description", "og:title", "og:description", "twitter:title", "twitter:description"}
BUTTON_INPUTS = {"submit", "button", "reset"}
# Proper names that read the same in every language and may stand bare.
ALLOWED_TEXT = {"Signal", "Matrix", "Mastodon", "Discord", "GitHub", "htmx"}

# Blocks of base.html whose content lands in an attribute (a class list), not in the text.
ATTRIBUTE_BLOCKS = {"main_class"}

OUR_APPS = ["members", "chapters", "onboarding", "cdp", "audit"]


def has_words(text: str) -> bool:
    """Whether text holds letters a reader would need translated.

    Paths, addresses and email addresses (anything with "/" or "@") are not words.
    """
    text = re.sub(r"\S*[/@]\S*", " ", text)
    for word in re.findall(r"[^\W\d_]+", text):
        if word not in ALLOWED_TEXT:
            return True
    return False


def template_text(source: str) -> str:
    """The template's literal text, with tags, variables and translated blocks removed."""
    parts: list[str] = []
    closing = ""
    blocks: list[str] = []  # the {% block %} names we are inside
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            bits = token.contents.split()
            name = bits[0] if bits else ""
            if closing:
                closing = "" if name == closing else closing
            elif name in SKIPPED_BLOCKS:
                closing = SKIPPED_BLOCKS[name]
            elif name == "block":
                blocks.append(bits[1] if len(bits) > 1 else "")
            elif name == "endblock" and blocks:
                blocks.pop()
        elif (
            token.token_type == TokenType.TEXT and not closing
            # Text inside a block that base.html puts in an attribute is not shown.
            and not ATTRIBUTE_BLOCKS.intersection(blocks)
        ):
            parts.append(token.contents)
    return "".join(parts)


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for name, value in attrs:
            if value and name in TRANSLATABLE_ATTRIBUTES and has_words(value):
                self.found.append(f'<{tag} {name}="{value}">')
        name = values.get("name", values.get("property"))
        if tag == "meta" and name in TRANSLATABLE_META and has_words(values.get("content") or ""):
            self.found.append(f'<meta content="{values["content"]}">')
        button = tag == "input" and (values.get("type") or "").lower() in BUTTON_INPUTS
        if button and has_words(values.get("value") or ""):
            self.found.append(f'<input value="{values["value"]}">')
        if tag in {"script", "style"}:
            self._hidden_depth += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style"} and self._hidden_depth:
            self._hidden_depth -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden_depth and has_words(data):
            self.found.append(" ".join(data.split()))


def untranslated_text(source: str, *, html: bool = True) -> list[str]:
    """Pieces of user-facing text in a template source that are not marked for translation."""
    text = template_text(source)
    if not html:
        return [" ".join(line.split()) for line in text.splitlines() if has_words(line)]
    parser = _Visible()
    parser.feed(text)
    parser.close()
    return parser.found


def project_templates() -> list[Path]:
    """Every template of ours: templates/ and each of our apps' templates/ folders."""
    roots = [Path(settings.BASE_DIR) / "templates"]
    roots += [Path(settings.BASE_DIR) / app / "templates" for app in OUR_APPS]
    return sorted(
        path for root in roots if root.is_dir()
        for path in root.rglob("*") if path.suffix in {".html", ".txt", ".xml"}
    )
