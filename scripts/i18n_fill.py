"""Keep the translation catalogs complete: extract, export what is missing, merge it back.

The .po files under locale/ are the source of truth. Translations travel as small JSON
files, one per language, keyed by the English msgid:

    {"Sign in": "Accedi",
     "%(count)s member": ["%(count)s membro", "%(count)s membri"],
     "month\u0004May": "maggio"}

A plural entry takes a list (one string per plural form of that language); an entry with
a context (pgettext) is keyed "context\u0004msgid", as gettext does.

The final pass, from the project root:

    uv run python scripts/i18n_fill.py extract        # makemessages for every language
    uv run python scripts/i18n_fill.py todo           # writes locale/todo/<lang>.json
    # ... fill in the empty values of locale/todo/<lang>.json ...
    uv run python scripts/i18n_fill.py apply locale/todo/*.json
    uv run python scripts/i18n_fill.py compile        # the committed .mo files
    uv run python scripts/i18n_fill.py check          # exits 1 while anything is missing

`apply` refuses a translation whose placeholders (%(name)s, %s, {name}) differ from the
English, and reports entries it could not place; nothing is written for a refused entry.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "locale"
TODO = LOCALE / "todo"
WRAP = 79

# The languages we translate into (English is the source) and their gettext plural rules.
PLURAL_FORMS = {
    "it": "nplurals=2; plural=(n != 1);",
    "de": "nplurals=2; plural=(n != 1);",
    "fr": "nplurals=2; plural=(n > 1);",
    "es": "nplurals=2; plural=(n != 1);",
}
LANGUAGES = list(PLURAL_FORMS)

# What makemessages scans: our apps, templates and twc/, not tests or tools.
# The completeness test (tests/i18n/test_catalogs.py) runs with these same options.
MAKEMESSAGES_IGNORE = ["tests", "bench", "scripts", "staticfiles", "node_modules", "media", "locale"]
MAKEMESSAGES_OPTIONS = ["--no-location", "--no-obsolete"] + [
    f"--ignore={pattern}" for pattern in MAKEMESSAGES_IGNORE
]

PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]|\{\w*\}")


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


def load(language: str) -> polib.POFile:
    return polib.pofile(str(po_path(language)), wrapwidth=WRAP)


def save(po: polib.POFile) -> None:
    """Write a catalog, wrapped the way gettext's makemessages wraps it (no noisy diffs)."""
    po.save()
    if shutil.which("msgcat"):
        subprocess.run(["msgcat", "--output-file", po.fpath, po.fpath], check=True)


def key_of(entry: polib.POEntry) -> str:
    return f"{entry.msgctxt}\u0004{entry.msgid}" if entry.msgctxt else entry.msgid


def is_missing(entry: polib.POEntry) -> bool:
    """Whether an entry still needs a translator: untranslated or fuzzy."""
    if "fuzzy" in entry.flags:
        return True
    if entry.msgid_plural:
        return not entry.msgstr_plural or any(not s for s in entry.msgstr_plural.values())
    return not entry.msgstr


def placeholders(text: str) -> list[str]:
    return sorted(match.group(0) for match in PLACEHOLDER.finditer(text))


def placeholder_problem(entry: polib.POEntry, translation: str | list[str]) -> str:
    """Why a translation's placeholders do not fit the English, or "" when they do."""
    if entry.msgid_plural:
        if not isinstance(translation, list):
            return "a plural entry needs a list of forms"
        allowed = set(placeholders(entry.msgid)) | set(placeholders(entry.msgid_plural))
        for form in translation:
            extra = set(placeholders(form)) - allowed
            if extra:
                return f"unknown placeholders {sorted(extra)}"
        # The form used for many must keep every placeholder of the English plural.
        lost = set(placeholders(entry.msgid_plural)) - set(placeholders(translation[-1]))
        return f"plural form loses {sorted(lost)}" if lost else ""
    if not isinstance(translation, str):
        return "a singular entry needs a string"
    expected, found = placeholders(entry.msgid), placeholders(translation)
    return "" if expected == found else f"placeholders {found} differ from {expected}"


def fix_header(po: polib.POFile, language: str) -> None:
    """Give a catalog its language's header: language, plural rule, not fuzzy."""
    po.header = "Translations of the chapter directory. See README.md, Languages."
    po.metadata.update({
        "Project-Id-Version": "twc",
        "Last-Translator": "twc contributors",
        "Language-Team": "twc contributors",
        "Language": language,
        "Content-Type": "text/plain; charset=UTF-8",
        "Plural-Forms": PLURAL_FORMS[language],
    })
    if po.metadata.get("PO-Revision-Date", "").startswith("YEAR"):
        po.metadata["PO-Revision-Date"] = po.metadata.get("POT-Creation-Date", "")
    po.metadata_is_fuzzy = False


def extract(_args: argparse.Namespace) -> int:
    """Run makemessages for every language, then set each catalog's header."""
    command = [sys.executable, "manage.py", "makemessages"]
    command += [f"-l{language}" for language in LANGUAGES] + MAKEMESSAGES_OPTIONS
    subprocess.run(command, cwd=ROOT, check=True, env={**os.environ, "DJANGO_DEBUG": "1"})
    for language in LANGUAGES:
        po = load(language)
        fix_header(po, language)
        save(po)
    return report(_args)


def todo(_args: argparse.Namespace) -> int:
    """Write locale/todo/<lang>.json with every entry still to translate."""
    TODO.mkdir(exist_ok=True)
    (TODO / ".gitignore").write_text("# Scratch files of scripts/i18n_fill.py\n*\n")
    for language in LANGUAGES:
        po = load(language)
        plurals = int(PLURAL_FORMS[language].split("nplurals=")[1].split(";")[0])
        missing = {
            key_of(entry): [""] * plurals if entry.msgid_plural else ""
            for entry in po
            if not entry.obsolete and is_missing(entry)
        }
        path = TODO / f"{language}.json"
        path.write_text(json.dumps(missing, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{language}: {len(missing)} to translate in {path}")
    return 0


def apply(args: argparse.Namespace) -> int:
    """Merge JSON translation files into the catalogs; the file name is the language."""
    problems = 0
    for name in args.files:
        path = Path(name)
        language = args.lang or path.stem
        if language not in PLURAL_FORMS:
            print(f"{path}: unknown language {language!r}")
            problems += 1
            continue
        translations: dict = json.loads(path.read_text(encoding="utf-8"))
        po = load(language)
        entries = {key_of(entry): entry for entry in po if not entry.obsolete}
        applied = 0
        for key, translation in translations.items():
            entry = entries.get(key)
            if entry is None:
                print(f"{language}: not in the catalog (stale?): {key!r}")
                continue
            if not translation or (isinstance(translation, list) and not all(translation)):
                continue
            problem = placeholder_problem(entry, translation)
            if problem:
                print(f"{language}: refused {key!r}: {problem}")
                problems += 1
                continue
            if entry.msgid_plural:
                entry.msgstr_plural = dict(enumerate(translation))
            else:
                entry.msgstr = translation
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
            applied += 1
        fix_header(po, language)
        if applied:
            po.metadata["PO-Revision-Date"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M+0000")
        save(po)
        print(f"{language}: applied {applied} from {path}")
    return report(args) or (1 if problems else 0)


def compile_catalogs(_args: argparse.Namespace) -> int:
    """Write each .mo beside its .po (polib: no gettext tools needed)."""
    for language in LANGUAGES:
        po = load(language)
        po.save_as_mofile(str(po_path(language).with_suffix(".mo")))
        print(f"{language}: compiled")
    return 0


def report(_args: argparse.Namespace) -> int:
    """Print what is still untranslated or fuzzy; 1 when anything is."""
    missing_any = False
    for language in LANGUAGES:
        po = load(language)
        missing = [key_of(entry) for entry in po if not entry.obsolete and is_missing(entry)]
        total = len([entry for entry in po if not entry.obsolete])
        print(f"{language}: {total - len(missing)}/{total} translated")
        for key in missing:
            print(f"  missing: {key!r}")
        missing_any = missing_any or bool(missing)
    return 1 if missing_any else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("extract", help="run makemessages for every language").set_defaults(run=extract)
    commands.add_parser("todo", help="write locale/todo/<lang>.json").set_defaults(run=todo)
    apply_parser = commands.add_parser("apply", help="merge JSON translations into the catalogs")
    apply_parser.add_argument("files", nargs="+")
    apply_parser.add_argument("--lang", choices=LANGUAGES, help="when the file name is not <lang>.json")
    apply_parser.set_defaults(run=apply)
    commands.add_parser("compile", help="write the .mo files").set_defaults(run=compile_catalogs)
    commands.add_parser("check", help="report missing translations").set_defaults(run=report)
    args = parser.parse_args()
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
