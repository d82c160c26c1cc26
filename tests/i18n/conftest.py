import importlib.util
from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture(scope="session")
def i18n_fill():
    """scripts/i18n_fill.py as a module: its makemessages options and placeholder rules."""
    path = Path(settings.BASE_DIR) / "scripts" / "i18n_fill.py"
    spec = importlib.util.spec_from_file_location("i18n_fill", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
