#!/usr/bin/env python
"""Django's command-line utility. `manage.py dev` runs the app for development."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "twc.settings")
    if len(sys.argv) > 1 and sys.argv[1] == "dev":
        # Development only: debug on, emails to the console, the embedded SQLite database.
        os.environ.setdefault("DJANGO_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
