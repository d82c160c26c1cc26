"""A person's data across apps: what they can download, and what deleting them erases.

Each app that holds personal data has a `privacy.py` with two functions:
    export(user) -> dict   # JSON-serializable, only this person's data
    erase(user) -> None    # remove or anonymise this person's data (keep anonymous counts)
They are found in every installed app, in the order of INSTALLED_APPS: core's comes first,
so it reads the person's addresses before the members app removes them. A new app that
stores personal data adds its `privacy.py` and is covered; the export test names every app
expected in the download, so none is skipped unnoticed.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.utils.module_loading import module_has_submodule


@cache
def privacy_modules() -> tuple[tuple[str, ModuleType], ...]:
    """(app label, its privacy module) for each installed app that has one."""
    return tuple(
        (config.label, import_module(f"{config.name}.privacy"))
        for config in apps.get_app_configs()
        if module_has_submodule(config.module, "privacy")
    )


def export_personal_data(user) -> dict:
    return {app: module.export(user) for app, module in privacy_modules()}


def erase_personal_data(user) -> None:
    for _app, module in privacy_modules():
        module.erase(user)
