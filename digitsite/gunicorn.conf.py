"""gunicorn settings for production: `gunicorn -c digitsite/gunicorn.conf.py digitsite.wsgi`.

Every value can be overridden from the environment (PORT, WEB_CONCURRENCY, ...).
"""

import os

# --- where and how many ---------------------------------------------------------------
bind = os.environ.get("BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))  # one per core: a request is CPU-bound
threads = 1  # NumPy holds the GIL through most of a prediction: threads would not help
# Load the app (and the models) once in the master, then fork: the workers share the
# weights' memory pages, and a broken model shows at start-up, not on first request.
preload_app = True

# --- time limits -----------------------------------------------------------------------
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5

# --- logs ------------------------------------------------------------------------------
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")
