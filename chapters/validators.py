"""What a chapter's name may hold: it is shown on the map, in emails' subjects and in other
networks' directories, so letters of any script, digits, spaces and a few punctuation marks,
and nothing that markup, a link or a script could be made of."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Besides letters (with their accents and vowel signs: categories L and M) and digits (N).
NAME_PUNCTUATION = frozenset(" -'’.,&()/")


def validate_chapter_name(value: str) -> None:
    """Refuses a name with any other character (< > " : @ # ; = and the like, controls)."""
    bad = sorted({ch for ch in value
                  if ch not in NAME_PUNCTUATION and unicodedata.category(ch)[0] not in "LMN"})
    if bad:
        shown = " ".join("␣" if ch.isspace() else ch for ch in bad if ch.isprintable())
        raise ValidationError(
            _("Use letters, digits, spaces and - ' . , & ( ) / only (not: %(chars)s)."),
            params={"chars": shown or "?"}, code="chapter_name_characters")
    if value != value.strip() or "  " in value:
        raise ValidationError(_("No spaces at the start or end, nor two in a row."),
                              code="chapter_name_spaces")
