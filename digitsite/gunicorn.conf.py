"""gunicorn settings for production: `gunicorn -c digitsite/gunicorn.conf.py digitsite.wsgi`.

Behind nginx, as `manage.py serve` runs it: sync workers must not face slow clients
themselves (a worker reading a slow request serves nobody else meanwhile). The values come
from the site's settings (digitsite/settings.py), which read and check the environment:
PORT or BIND, WEB_CONCURRENCY, GUNICORN_TIMEOUT, GUNICORN_MAX_REQUESTS, LOG_LEVEL.
"""

import os

from digitsite import settings

# --- where and how many ---------------------------------------------------------------
bind = os.environ.get("BIND", f"0.0.0.0:{settings.PORT}")
workers = settings.WEB_CONCURRENCY  # one per core: a request is CPU-bound
threads = 1  # NumPy holds the GIL through most of a prediction: threads would not help
# Load the app (and the models) once in the master, then fork: the workers share the
# weights' memory pages, and a broken model shows at start-up, not on first request.
preload_app = True

# --- recycling -------------------------------------------------------------------------
# A worker is replaced after this many requests (give or take a tenth, so that they do not
# all restart at once): whatever memory a worker has grown, decoding images, is given back.
max_requests = settings.GUNICORN_MAX_REQUESTS
max_requests_jitter = max_requests // 10

# --- time limits -----------------------------------------------------------------------
timeout = settings.GUNICORN_TIMEOUT
graceful_timeout = 30
keepalive = 5


def worker_abort(worker):
    """A worker past its timeout goes without a word: gunicorn would otherwise write its
    own HTML 500 to the proxy, which answers for it instead (JSON under /api/)."""
    worker.log.error("worker %s timed out after %d s: exiting", worker.pid, timeout)
    os._exit(1)


# --- logs ------------------------------------------------------------------------------
accesslog = "-"
errorlog = "-"
loglevel = settings.LOG_LEVEL.lower()

# --- no control socket -----------------------------------------------------------------
# gunicorn 25.1+ would open one at one path per user ($HOME/.gunicorn/gunicorn.ctl), shared
# by every instance that user runs; nothing here uses it.
control_socket_disable = True
