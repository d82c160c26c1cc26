import shutil
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command

TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def catalog_path(language: str, suffix: str = ".po") -> Path:
    return Path(settings.BASE_DIR) / "locale" / language / "LC_MESSAGES" / f"django{suffix}"


def read_catalog(language: str):
    with catalog_path(language).open("rb") as handle:
        return read_po(handle, locale=language)


def translations(catalog) -> dict:
    """msgid (with context) -> translation, for every real message of a catalog.

    Plural messages carry their forms as lists (from .mo files) or tuples (from .po files).
    """

    def frozen(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value

    return {(m.context, frozen(m.id)): frozen(m.string) for m in catalog if m.id and not m.fuzzy}


def test_every_project_language_has_a_catalog():
    assert set(TRANSLATED) == {"it", "de", "fr", "es"}
    for language in TRANSLATED:
        assert catalog_path(language).is_file(), language


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_message_is_untranslated_or_fuzzy(language):
    catalog = read_catalog(language)
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    empty = [
        m.id for m in catalog
        if m.id and (not all(m.string) if isinstance(m.string, tuple) else not m.string)
    ]
    assert fuzzy == [], f"{language}: fuzzy entries"
    assert empty == [], f"{language}: untranslated entries"
    assert not catalog.fuzzy, f"{language}: the header is marked fuzzy"


@pytest.mark.parametrize("language", TRANSLATED)
def test_translations_keep_the_placeholders_of_the_english(language, i18n_fill):
    po = i18n_fill.load(language)
    problems = {
        entry.msgid: i18n_fill.placeholder_problem(
            entry,
            [entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural)]
            if entry.msgid_plural else entry.msgstr,
        )
        for entry in po if not entry.obsolete
    }
    assert {msgid: problem for msgid, problem in problems.items() if problem} == {}
    assert po.metadata["Language"] == language
    assert po.metadata["Plural-Forms"] == i18n_fill.PLURAL_FORMS[language]


@pytest.mark.parametrize("language", TRANSLATED)
def test_committed_compiled_catalog_matches_its_po(language):
    mo_path = catalog_path(language, ".mo")
    assert mo_path.is_file(), "run: uv run python scripts/i18n_fill.py compile"
    with mo_path.open("rb") as handle:
        compiled = read_mo(handle)
    assert translations(compiled) == translations(read_catalog(language)), (
        f"{mo_path} is out of date: run `uv run python scripts/i18n_fill.py compile`"
    )


@pytest.mark.skipif(not shutil.which("xgettext") or not shutil.which("msgmerge"),
                    reason="makemessages needs GNU gettext (Debian package `gettext`)")
def test_catalogs_hold_every_message_makemessages_finds(settings, tmp_path, monkeypatch, i18n_fill):
    # makemessages writes into any locale/ folder it sees, so it runs on a copy of the
    # sources (without locale/) and writes a fresh catalog into a temporary folder.
    source = tmp_path / "src"
    ignored = set(i18n_fill.MAKEMESSAGES_IGNORE)
    shutil.copytree(
        settings.BASE_DIR, source,
        ignore=lambda folder, names: [
            name for name in names
            if name.startswith(".") or name in ignored or name == "__pycache__"
            or (Path(folder, name).is_file() and Path(name).suffix not in {".py", ".html", ".txt"})
        ],
    )
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(source)
    call_command("makemessages", "-l", "it", *i18n_fill.MAKEMESSAGES_OPTIONS, verbosity=0)
    with (tmp_path / "locale" / "it" / "LC_MESSAGES" / "django.po").open("rb") as handle:
        found = {(m.context, m.id) for m in read_po(handle) if m.id}
    assert len(found) > 100
    for language in TRANSLATED:
        ours = {(m.context, m.id) for m in read_catalog(language) if m.id}
        assert sorted(found - ours, key=str) == [], (
            f"{language}: new messages; run scripts/i18n_fill.py extract, todo, apply, compile"
        )
        assert sorted(ours - found, key=str) == [], (
            f"{language}: messages no longer used; run scripts/i18n_fill.py extract"
        )
