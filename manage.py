#!/usr/bin/env python
"""Django's command-line utility for this site.

Run from a checkout, it defaults to development mode (DJANGO_DEBUG=1), so that
`python manage.py runserver` serves a working site with no configuration. Production
goes through digitsite/wsgi.py, where nothing is switched on unless the environment says so.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digitsite.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
