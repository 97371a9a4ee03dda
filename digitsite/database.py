"""The database from DATABASE_URL: SQLite by default, PostgreSQL when the URL says so.

sqlite:///relative/path.sqlite3      sqlite:////absolute/path.sqlite3
postgres://user:password@host:5432/name   (postgresql:// too; ?sslmode=require passes through)
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

# SQLite serves several gunicorn workers at once only with care: write-ahead logging lets
# readers and the one writer proceed together; IMMEDIATE transactions take the write lock up
# front, so two writers queue on the busy timeout instead of one failing with "database is
# locked" when it tries to upgrade a read lock.
SQLITE_OPTIONS = {
    "timeout": 20,  # seconds a writer waits for the lock (SQLite's busy timeout)
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}


def sqlite(path: Path | str) -> dict:
    return {"ENGINE": "django.db.backends.sqlite3", "NAME": str(path), "OPTIONS": dict(SQLITE_OPTIONS)}


def from_url(url: str, base_dir: Path) -> dict:
    """A Django DATABASES entry from a database URL; relative SQLite paths are under base_dir."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        path = unquote(parts.path)[1:]  # sqlite:///db.sqlite3 -> db.sqlite3; //// keeps the root
        if not path:
            raise ImproperlyConfigured("DATABASE_URL sqlite:/// needs a file path")
        return sqlite(base_dir / path)
    if parts.scheme in ("postgres", "postgresql"):
        name = unquote(parts.path.lstrip("/"))
        if not name:
            raise ImproperlyConfigured("DATABASE_URL must name the database: postgres://user@host/NAME")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": name,
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": 60,  # keep connections between requests; checked before reuse
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": dict(parse_qsl(parts.query)),
        }
    raise ImproperlyConfigured(
        f"DATABASE_URL scheme {parts.scheme!r} is not supported: use sqlite or postgres"
    )
