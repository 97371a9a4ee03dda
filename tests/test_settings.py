"""Settings fail loudly, never open: an unrecognised value is an error naming the variable,
a configured server runs no command in debug, forwarded headers count only from the proxy."""

import json
import subprocess
import sys

import pytest

from tests.helpers import LABELLED, ONE, ROOT, Api, production_env

PROBE = (
    "import django, json; django.setup(); from django.conf import settings as s; print(json.dumps(s.DEBUG))"
)


def run(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in production_env().items() if k != "DJANGO_SECRET_KEY"}
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env={**clean, "DJANGO_SETTINGS_MODULE": "digitsite.settings", **env},
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("value", ["ture", "", "y", "enabled"])
def test_an_unrecognised_yes_or_no_is_an_error_naming_the_variable_and_the_values(value):
    result = run("-c", PROBE, DJANGO_SECRET_KEY="k", DJANGO_HTTPS=value)
    assert result.returncode != 0
    assert f"DJANGO_HTTPS={value!r} is not a yes or no: use one of 1, true" in result.stderr


def test_an_unrecognised_number_is_an_error_too():
    result = run("-c", PROBE, DJANGO_SECRET_KEY="k", LABELLED_DRAWINGS_PER_MINUTE="twenty")
    assert result.returncode != 0 and "LABELLED_DRAWINGS_PER_MINUTE='twenty'" in result.stderr


def test_a_configured_server_runs_its_commands_without_debug():
    shell = ["manage.py", "shell", "-c", "from django.conf import settings; print(settings.DEBUG)"]
    assert run(*shell, DJANGO_SECRET_KEY="k").stdout.split()[-1] == "False"
    assert run(*shell).stdout.split()[-1] == "True"  # a fresh checkout, nothing configured


@pytest.mark.django_db
@pytest.mark.storage
def test_forwarded_addresses_count_only_from_the_trusted_proxy(settings):
    settings.BEHIND_PROXY, settings.TRUSTED_PROXIES = True, frozenset({"127.0.0.1"})
    settings.LABELLED_DRAWINGS_PER_MINUTE = 2
    direct = Api("198.51.100.5")  # reaches the server itself, and claims a new address each time
    body = {"strokes": ONE, "label": 1}
    claims = [
        direct.post_json(body, LABELLED, HTTP_X_FORWARDED_FOR=f"192.0.2.{i}").status_code for i in range(3)
    ]
    assert claims == [201, 201, 429]
    proxied = Api("127.0.0.1")  # the proxy, telling each client's address
    told = [
        proxied.post_json(body, LABELLED, HTTP_X_FORWARDED_FOR=f"192.0.2.{i}").status_code for i in range(3)
    ]
    assert told == [201] * 3


def test_the_settings_probe_itself_works():
    assert json.loads(run("-c", PROBE, DJANGO_SECRET_KEY="k").stdout) is False
