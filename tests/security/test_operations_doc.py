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


def test_the_commands_the_restore_and_pruning_steps_name_exist():
    """The erasure and task-pruning paragraphs name commands that really exist."""
    from pathlib import Path

    from django.core.management import get_commands

    documented = (Path(__file__).resolve().parents[2] / "docs" / "operations.md").read_text()
    for command in ("reapply_erasures", "prune_db_task_results"):
        assert f"manage.py {command}" in documented
        assert command in get_commands()
