import argparse
import json
import shutil

import polib
import pytest
from django.conf import settings


@pytest.fixture
def scratch_locale(tmp_path, monkeypatch, i18n_fill):
    """A copy of locale/ with a new singular and a new plural message still to translate."""
    shutil.copytree(settings.BASE_DIR / "locale", tmp_path / "locale", ignore=shutil.ignore_patterns("todo"))
    monkeypatch.setattr(i18n_fill, "LOCALE", tmp_path / "locale")
    monkeypatch.setattr(i18n_fill, "TODO", tmp_path / "locale" / "todo")
    for language in i18n_fill.LANGUAGES:
        po = i18n_fill.load(language)
        po.append(polib.POEntry(msgid="Welcome, %(name)s!", msgstr="", flags=["python-format"]))
        po.append(polib.POEntry(
            msgid="%(count)s person", msgid_plural="%(count)s people", msgstr_plural={0: "", 1: ""},
            flags=["python-format"],
        ))
        po.save()
    return tmp_path / "locale"


def test_todo_then_apply_fills_the_catalogs(scratch_locale, i18n_fill, capsys):
    assert i18n_fill.report(None) == 1
    i18n_fill.todo(None)
    todo = json.loads((scratch_locale / "todo" / "it.json").read_text())
    assert todo == {"Welcome, %(name)s!": "", "%(count)s person": ["", ""]}
    todo.update({"Welcome, %(name)s!": "Benvenuta, %(name)s!",
                 "%(count)s person": ["%(count)s persona", "%(count)s persone"]})
    (scratch_locale / "todo" / "it.json").write_text(json.dumps(todo))
    i18n_fill.apply(argparse.Namespace(files=[str(scratch_locale / "todo" / "it.json")], lang=None))
    po = i18n_fill.load("it")
    assert po.find("Welcome, %(name)s!").msgstr == "Benvenuta, %(name)s!"
    assert po.find("%(count)s person").msgstr_plural == {0: "%(count)s persona", 1: "%(count)s persone"}
    assert "it: applied 2" in capsys.readouterr().out


def test_apply_refuses_a_translation_that_changes_the_placeholders(scratch_locale, i18n_fill, capsys):
    path = scratch_locale / "de.json"
    path.write_text(json.dumps({
        "Welcome, %(name)s!": "Willkommen, %(nom)s!",
        "%(count)s person": ["eine Person", "viele Leute"],
    }))
    assert i18n_fill.apply(argparse.Namespace(files=[str(path)], lang=None)) == 1
    output = capsys.readouterr().out
    assert "refused 'Welcome, %(name)s!'" in output
    assert "refused '%(count)s person'" in output
    assert i18n_fill.load("de").find("Welcome, %(name)s!").msgstr == ""
