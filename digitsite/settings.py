"""Settings, read from the environment and secure unless told otherwise.

DJANGO_DEBUG          "1" turns on debug mode (default off; manage.py turns it on for development)
DJANGO_SECRET_KEY     required when debug is off: 50 characters or more, as Django's deploy check wants
DJANGO_ALLOWED_HOSTS  comma-separated host names; required when debug is off (debug default:
                      localhost, 127.0.0.1, [::1]; with DJANGO_HTTPS=0 those are added to the
                      names given, which are still required)
DJANGO_CSRF_TRUSTED_ORIGINS  comma-separated origins, e.g. https://digits.example.com
DJANGO_HTTPS          HTTPS redirect, HSTS, secure cookies (default: on unless debugging); "0"
                      for a local test over plain HTTP
DJANGO_BEHIND_PROXY   "1": trust X-Forwarded-Proto and -For from a TLS-terminating proxy
DJANGO_TRUSTED_PROXIES the proxy's addresses, comma-separated (default: 127.0.0.1,::1); a range
                      only written as such, e.g. range:10.0.0.0/24
DJANGO_HASHED_STATIC  "0" serves static files unhashed without collectstatic (tests)
DJANGO_STATIC_ROOT    where collectstatic puts the files (default: staticfiles/)
DIGITS_MODEL          the model that answers by default (default: nn/models/cnn.pkl)
DJANGO_TIME_ZONE      the admin's time zone (default: UTC)
DATABASE_URL          where labelled drawings are kept (default: sqlite:///db.sqlite3)
LABELLED_DRAWINGS_PER_MINUTE   labelled drawings one client may send per minute (default: 20)
LABELLED_DRAWINGS_MAX labelled drawings kept at most; more are refused (default: 100000)
LABELLED_DRAWINGS_BYTES_PER_HOUR  bytes of drawings one client may have stored per hour (default: 5 MB)
LABELLED_DRAWINGS_MAX_BYTES       bytes of drawings kept at most; more are refused (default: 1 GB)
PREDICT_RATE_LIMIT    predictions one client may ask for per minute, at the proxy (default: 600)
LOG_LEVEL             DEBUG, INFO, WARNING, ERROR or CRITICAL (default: INFO)
PORT, WEB_CONCURRENCY, GUNICORN_TIMEOUT, GUNICORN_MAX_REQUESTS   gunicorn's (digitsite/gunicorn.conf.py)
"""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

import nn
from digitsite import database
from recognizer import limits

BASE_DIR = Path(__file__).resolve().parent.parent


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default).upper()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() not in TRUE + FALSE:
        raise ImproperlyConfigured(
            f"{name}={value!r} is not a yes or no: use one of {', '.join(TRUE + FALSE)}"
        )
    return value.lower() in TRUE


def env_int(name: str, default: int, maximum: int | None = None) -> int:
    """A whole number from 1 (to `maximum`, when given)."""
    value = os.environ.get(name, str(default))
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= (maximum or int(value)):
        within = f"from 1 to {maximum}" if maximum else "of at least 1"
        raise ImproperlyConfigured(f"{name}={value!r}: use a whole number {within}")
    return int(value)


def example_value(name: str) -> str | None:
    """The placeholder .env.example gives a variable, to be replaced in a real .env."""
    example = BASE_DIR / ".env.example"
    lines = example.read_text().splitlines() if example.is_file() else []
    return next((line.split("=", 1)[1] for line in lines if line.startswith(f"{name}=")), None)


def secret_key() -> str:
    """DJANGO_SECRET_KEY, refused when debug is off and it is missing, .env.example's
    placeholder, or weaker than Django's deploy check wants."""
    key = os.environ.get("DJANGO_SECRET_KEY", "")
    if DEBUG:
        return key or "development-only-key-never-used-in-production"
    if not key:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off")
    if key == example_value("DJANGO_SECRET_KEY"):
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is .env.example's placeholder: put a random one in .env"
        )
    if (
        len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or key.startswith(SECRET_KEY_INSECURE_PREFIX)
    ):
        raise ImproperlyConfigured(
            f"DJANGO_SECRET_KEY must be {SECRET_KEY_MIN_LENGTH} characters or more, of at least "
            f"{SECRET_KEY_MIN_UNIQUE_CHARACTERS} different ones, and not start with {SECRET_KEY_INSECURE_PREFIX!r} "
            f"(it has {len(key)}), e.g. from: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    return key


def allowed_hosts() -> list[str]:
    hosts = env_list("DJANGO_ALLOWED_HOSTS", ",".join(LOOPBACK_HOSTS) if DEBUG else "")
    if not hosts:
        raise ImproperlyConfigured(
            "DJANGO_ALLOWED_HOSTS must name the site's host names when DJANGO_DEBUG is off"
        )
    return hosts + [h for h in LOOPBACK_HOSTS if h not in hosts and not HTTPS]


def trusted_proxies() -> tuple:
    """The proxies' addresses, as networks. A range lets every address in it claim any client
    address and scheme, so it is taken only when written as one: range:10.0.0.0/24."""
    networks = []
    for entry in env_list("DJANGO_TRUSTED_PROXIES", "127.0.0.1,::1"):
        explicit = entry.startswith("range:")
        text = entry.removeprefix("range:")
        try:
            network = (
                ipaddress.ip_network(text) if explicit else ipaddress.ip_network(ipaddress.ip_address(text))
            )
        except ValueError:
            hint = f"; a range must be written as one: range:{text}" if "/" in text and not explicit else ""
            raise ImproperlyConfigured(
                f"DJANGO_TRUSTED_PROXIES: {entry[:60]!r} is not an IP address{hint}"
            ) from None
        networks.append(network)
    return tuple(networks)


# --- security -------------------------------------------------------------------------
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = secret_key()
# HTTPS: on unless debugging or told otherwise (DJANGO_HTTPS=0, a local test over plain HTTP).
HTTPS = env_bool("DJANGO_HTTPS", not DEBUG)
ALLOWED_HOSTS = allowed_hosts()
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "recognizer.http.csrf_failure"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # probes come over plain HTTP
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY", False)
# Forwarded headers count only from these addresses (manage.py serve's nginx is on loopback).
TRUSTED_PROXIES = trusted_proxies() if BEHIND_PROXY else ()
if BEHIND_PROXY:  # a TLS-terminating proxy says the scheme, and the client's address
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The admin's login: 5 wrong passwords from one address lock that address out for 15
# minutes, the right password included; the address is the one the rate limits use.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "recognizer.http.client_address"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- application ----------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",  # to review, fix or delete the labels people send
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",  # counts failed logins and locks the address out
    "recognizer",
]
MIDDLEWARE = [
    "digitsite.middleware.TrustedProxyMiddleware",  # first: no one else reads the headers before
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files, hashed and compressed
    "digitsite.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",  # only the admin uses sessions
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # answers a locked-out address's login with a 429
]
ROOT_URLCONF = "digitsite.urls"
WSGI_APPLICATION = "digitsite.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",  # the admin's
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
DATABASES = {"default": database.from_url(os.environ.get("DATABASE_URL", "sqlite:///db.sqlite3"), BASE_DIR)}
USE_TZ = True
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "UTC")  # how the admin shows times
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- static files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production serves collected files with content hashes in their names (cached for a
# year) and pre-compressed; development and tests serve the source files as they are.
HASHED_STATIC = not DEBUG and env_bool("DJANGO_HASHED_STATIC", True)
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles")) if HASHED_STATIC else None
WHITENOISE_USE_FINDERS = not HASHED_STATIC
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "digitsite.storage.StaticStorage"
        if HASHED_STATIC
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- the recognizer -------------------------------------------------------------------
MODEL_DIR = nn.MODEL_DIR  # every model here gets a page at /model/<name>
# The model that answers by default; nn.training.evaluate defaults to the same one.
DIGITS_MODEL = Path(os.environ.get("DIGITS_MODEL", nn.DEFAULT_MODEL_PATH))
MAX_REQUEST_BYTES = limits.MAX_REQUEST_BYTES  # JSON and multipart alike
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES  # keep uploads in memory: they are small

# Predictions, limited per client at the proxy (manage.py serve): per minute, with bursts
# of ten seconds' worth, and at most this many at once.
PREDICT_RATE_LIMIT = env_int("PREDICT_RATE_LIMIT", 600)
PREDICT_CONCURRENCY_LIMIT = 8

# --- labelled drawings -----------------------------------------------------------------
LABELLED_DRAWINGS_PER_MINUTE = env_int("LABELLED_DRAWINGS_PER_MINUTE", 20)  # per client, per minute
LABELLED_DRAWINGS_MAX = env_int("LABELLED_DRAWINGS_MAX", 100_000)  # then 507: storage is full
LABELLED_DRAWINGS_WINDOW = 60  # seconds
# In bytes kept (strokes, photo, pixels: a drawing of one digit 2-4 kB, a photo up to 60 kB).
LABELLED_DRAWINGS_BYTES_PER_HOUR = env_int("LABELLED_DRAWINGS_BYTES_PER_HOUR", 5_000_000)  # per client
LABELLED_DRAWINGS_BYTES_WINDOW = 3600  # seconds
LABELLED_DRAWINGS_MAX_BYTES = env_int("LABELLED_DRAWINGS_MAX_BYTES", 1_000_000_000)  # then 507

# --- gunicorn (digitsite/gunicorn.conf.py) ------------------------------------------------
PORT = env_int("PORT", 8000, maximum=65535)
WEB_CONCURRENCY = env_int("WEB_CONCURRENCY", 2)  # workers: one per core
GUNICORN_TIMEOUT = env_int("GUNICORN_TIMEOUT", 30)  # seconds a request may take
GUNICORN_MAX_REQUESTS = env_int("GUNICORN_MAX_REQUESTS", 5000)  # then a worker is replaced

# --- logs -------------------------------------------------------------------------------
# Timestamped, levelled lines on stderr (gunicorn's error log, so one place). A 500 is logged
# with its traceback; what a client causes (a 4xx, a bad Host header) is counted, and the
# counts written at most once a minute (recognizer/logs.py).
LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "no_client_tracebacks": {"()": "recognizer.logs.NoClientTracebacks"},
        "count_rejections": {"()": "recognizer.logs.CountRejections"},
    },
    "formatters": {
        "timestamped": {
            "format": "%(asctime)s %(levelname)s %(name)s: %(message)s",
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "timestamped",
            "filters": ["count_rejections", "no_client_tracebacks"],
        }
    },
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL},
        "recognizer": {"handlers": ["console"], "level": LOG_LEVEL},
        "axes": {"handlers": ["console"], "level": "WARNING"},  # its INFO is a line per login attempt
    },
}
