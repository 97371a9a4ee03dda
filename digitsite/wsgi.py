"""WSGI entry point for production servers (e.g. gunicorn digitsite.wsgi).

The models, the not-a-digit check and the segment scorer are loaded here, once per process,
so the first request does not pay for it.
"""

import functools
import logging
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digitsite.settings")
application = get_wsgi_application()

from recognizer import drawings, model_store, not_digit  # noqa: E402
from recognizer.errors import NoModel  # noqa: E402


def load_models() -> None:
    """Load every served model, the not-a-digit check and the segment scorer now; a bad one
    is logged, and answers 503 until fixed."""
    for load in [model_store.get, *(functools.partial(model_store.get, n) for n in model_store.names())]:
        loaded(load)
    loaded(not_digit.check)
    loaded(drawings.scorer)


def loaded(load) -> None:
    try:
        load()
    except NoModel as exc:
        logging.getLogger("recognizer").error("model not loaded: %s", exc)


load_models()
