"""Training resource files: what may be uploaded, and how it is served."""

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_BYTES = 10 * 1024 * 1024

ZIP = b"PK\x03\x04"
# extension -> (content type, magic prefix or None for plain text)
ALLOWED = {
    ".pdf": ("application/pdf", b"%PDF-"),
    ".odt": ("application/vnd.oasis.opendocument.text", ZIP),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ZIP),
    ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
    ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
    ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
    ".txt": ("text/plain; charset=utf-8", None),
}


def content_type_for(name: str) -> str:
    return ALLOWED.get(PurePath(name).suffix.lower(), ("application/octet-stream", b""))[0]


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        return error.start >= len(head) - 3
    return not head.lstrip().lower().startswith((b"<!doctype", b"<html", b"<script", b"<svg"))


def validate_resource_file(file) -> None:
    """Refuse files over 10 MB, or whose extension and first bytes are not an allowed type."""
    if file.size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("The file is larger than 10 MB."), code="too_large")
    suffix = PurePath(file.name).suffix.lower()
    if suffix not in ALLOWED:
        raise ValidationError(
            _("Upload a PDF, ODT, DOCX, PNG, JPEG or plain text file."), code="type",
        )
    _content_type, magic = ALLOWED[suffix]
    file.seek(0)
    head = file.read(2048)
    file.seek(0)
    if magic is None:
        ok = _looks_like_text(head)
    else:
        ok = head.startswith(magic)
    if not ok:
        raise ValidationError(_("The file's content does not match its type."), code="content")
