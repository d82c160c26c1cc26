"""A person's data across apps: what they can download, and what deleting them erases.

Each app that holds personal data has a `privacy.py` with two functions:
    export(user) -> dict   # JSON-serializable, only this person's data
    erase(user) -> None    # remove or anonymise this person's data (keep anonymous counts)
They are listed here, so nothing is forgotten when a new app stores personal data.
"""

from importlib import import_module

PRIVACY_MODULES = ["core.privacy", "members.privacy_members", "onboarding.privacy", "cdp.privacy",
                   "outreach.privacy", "network.privacy"]


def _modules():
    # Every app exists now: a missing module is an error, never a silently skipped erasure.
    for name in PRIVACY_MODULES:
        yield name.split(".")[0], import_module(name)


def export_personal_data(user) -> dict:
    return {app: module.export(user) for app, module in _modules()}


def erase_personal_data(user) -> None:
    for _app, module in _modules():
        module.erase(user)
