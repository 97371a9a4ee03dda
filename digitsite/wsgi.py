"""WSGI entry point for production servers (e.g. gunicorn digitsite.wsgi).

The model is loaded here, once per process, so the first request does not pay for it.
"""

import logging
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digitsite.settings")
application = get_wsgi_application()

from recognizer.model_store import ModelUnavailable, current_model  # noqa: E402

try:
    current_model()
except ModelUnavailable as exc:  # the site still answers: predict says 503 until fixed
    logging.getLogger("recognizer").error("model not loaded: %s", exc)
