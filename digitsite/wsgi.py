"""WSGI entry point for production servers (e.g. gunicorn digitsite.wsgi).

The models are loaded here, once per process, so the first request does not pay for it.
"""

import logging
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digitsite.settings")
application = get_wsgi_application()

from recognizer import model_store  # noqa: E402
from recognizer.errors import NoModel  # noqa: E402


def load_models() -> None:
    """Load every served model now; a bad one is logged, and answers 503 until fixed."""
    for name in [None, *model_store.names()]:
        try:
            model_store.get(name)
        except NoModel as exc:
            logging.getLogger("recognizer").error("model not loaded: %s", exc)


load_models()
