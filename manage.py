#!/usr/bin/env python
"""Django's command-line utility for administrative tasks.

With the development or test settings (the default is otc.settings.dev), DATABASE_URL and
REDIS_URL that neither the environment nor .env sets are filled in with the embedded
PostgreSQL / Redis under .local/, started here if they are not running (otc/localservices.py),
before Django reads the settings. They keep running afterwards; `make stop` ends them."""

import os
import sys

EMBEDDED_FOR = {"otc.settings.dev", "otc.settings.test"}


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "otc.settings.dev")
    if os.environ["DJANGO_SETTINGS_MODULE"] in EMBEDDED_FOR:
        from otc import localservices

        localservices.export_urls()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
