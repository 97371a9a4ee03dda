"""DATABASE_URL: SQLite with its concurrency settings by default, PostgreSQL when it says so."""

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from digitsite.database import from_url

BASE = Path("/srv/digits")


def test_a_relative_sqlite_path_is_under_the_project_with_wal_and_a_busy_timeout():
    db = from_url("sqlite:///db.sqlite3", BASE)
    assert db["ENGINE"] == "django.db.backends.sqlite3" and db["NAME"] == str(BASE / "db.sqlite3")
    assert db["OPTIONS"]["timeout"] == 20 and db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]


def test_four_slashes_mean_an_absolute_sqlite_path():
    assert from_url("sqlite:////var/lib/digits/db.sqlite3", BASE)["NAME"] == "/var/lib/digits/db.sqlite3"


def test_a_postgres_url_gives_every_part_decoded():
    db = from_url("postgres://us%40er:p%3Ass@db.example.com:6432/digits?sslmode=require", BASE)
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "us@er", "p:ss", "db.example.com", "6432", "digits",
    )  # fmt: skip
    assert db["OPTIONS"] == {"sslmode": "require"}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u@h/db", "not supported"),
        ("postgres://u@h/", "must name the database"),
        ("sqlite:///", "file path"),
    ],
)
def test_an_unusable_url_is_a_clear_configuration_error(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        from_url(url, BASE)
