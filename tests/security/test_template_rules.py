"""Every template keeps to what the strict CSP and the HTML checker allow."""

import re
from pathlib import Path

import pytest

TEMPLATES = sorted((Path(__file__).resolve().parents[2] / "templates").rglob("*.html"))

FORBIDDEN = {
    "bare htmx attribute (write data-hx-*)": re.compile(r"(?<![\w-])hx-[a-z-]+\s*="),
    "inline style": re.compile(r"\sstyle\s*=", re.I),
    "inline script": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I),
    "inline event handler": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
}


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(p.parents[1])))
def test_template_has_no_bare_htmx_or_inline_code(path):
    text = path.read_text()
    found = [what for what, pattern in FORBIDDEN.items() if pattern.search(text)]
    assert not found, f"{path}: {found}"
