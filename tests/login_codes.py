"""The sign-in code in an emailed message, as a person would copy it."""

import re


def code_from(message) -> str:
    match = re.search(r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4}|[A-Z0-9]{6,8})\s*$", message.body, re.MULTILINE)
    assert match, message.body
    return match.group(1)
