"""docs/operations.md stays true to the settings."""


def test_every_environment_variable_of_the_settings_is_documented():
    """docs/operations.md lists every variable twc/settings.py reads."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    source = (root / "twc" / "settings.py").read_text()
    names = set(re.findall(r'environ\.get\(\s*"([A-Z_]+)"', source))
    names |= set(re.findall(r'env_(?:bool|list)\(\s*"([A-Z_]+)"', source))
    documented = (root / "docs" / "operations.md").read_text()
    assert names and not sorted(n for n in names if f"`{n}`" not in documented)
