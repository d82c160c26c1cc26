"""A small, safe Markdown subset for announcements shown on the web.

Everything is escaped first; then only these come back as HTML: paragraphs (blank lines),
line breaks, `- ` or `* ` lists, **bold**, *italics*, and [links](https://...) to http(s)
or mailto addresses (with rel="nofollow noopener"). No raw HTML, no images, no headings:
an announcement reads like a letter. Emails carry the text as typed, which reads well as
plain text; no library is needed for so little.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_LINK = re.compile(r"\[([^\[\]\n]{1,200})\]\(((?:https?://|mailto:)[^\s()<>\"']{1,500})\)")
# Bold runs to the next "**" and no further: with `.+?`, every unclosed "**" scanned to the
# end of its line, and 20,000 characters of "**a " took seconds to render.
_BOLD = re.compile(r"\*\*(?=\S)((?:[^*\n]|\*(?!\*))+?)(?<=\S)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![*\w])")
_ITEM = re.compile(r"^\s*[-*]\s+(.*)$")


def _inline(escaped: str) -> str:
    """Inline marks on already-escaped text (escaping keeps [ ] ( ) * as they are)."""
    links: list[str] = []

    def link(match: re.Match) -> str:
        # The URL was escaped with the text: &amp; stays &amp; inside the attribute, correct.
        links.append(f'<a href="{match.group(2)}" rel="nofollow noopener">{match.group(1)}</a>')
        return f"\x00{len(links) - 1}\x00"

    text = _LINK.sub(link, escaped)
    text = _BOLD.sub(r"<strong>\1</strong>", text)
    text = _ITALIC.sub(r"<em>\1</em>", text)
    return re.sub(r"\x00(\d+)\x00", lambda m: links[int(m.group(1))], text)


def render_markdown(text: str) -> SafeString:
    blocks = re.split(r"\n\s*\n", escape(text.replace("\x00", "").replace("\r\n", "\n")).strip())
    html = []
    for block in blocks:
        if not block.strip():
            continue
        lines = block.split("\n")
        if all(_ITEM.match(line) for line in lines):
            items = "".join(f"<li>{_inline(_ITEM.match(line).group(1))}</li>" for line in lines)
            html.append(f"<ul>{items}</ul>")
        else:
            html.append("<p>" + "<br>".join(_inline(line) for line in lines) + "</p>")
    return mark_safe("\n".join(html))


def render_plain(text: str) -> SafeString:
    """Plain text as paragraphs and line breaks, escaped; nothing else."""
    blocks = re.split(r"\n\s*\n", text.replace("\x00", "").replace("\r\n", "\n").strip())
    return mark_safe("\n".join(
        "<p>" + "<br>".join(escape(line) for line in block.split("\n")) + "</p>"
        for block in blocks if block.strip()))


def render(text: str, text_format: str) -> SafeString:
    return render_markdown(text) if text_format == "markdown" else render_plain(text)
