#!/usr/bin/env python
"""Django's command-line utility for this site.

With no production settings in the environment (no DJANGO_SECRET_KEY), it defaults to
development mode (DJANGO_DEBUG=1), so that a fresh checkout migrates and serves with no
configuration. With them, every command (migrate, collectstatic, check --deploy, serve) runs
exactly as the environment says, as production does through digitsite/wsgi.py. A setting
the site refuses stops it with the one line that says why.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digitsite.settings")
    if "DJANGO_SECRET_KEY" not in os.environ:  # a checkout, not a configured server
        os.environ.setdefault("DJANGO_DEBUG", "1")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(sys.argv)
    except ImproperlyConfigured as exc:
        sys.exit(f"ImproperlyConfigured: {exc}")


if __name__ == "__main__":
    main()
