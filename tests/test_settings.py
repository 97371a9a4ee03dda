"""Settings fail loudly, never open: an unrecognised value is an error naming the variable,
a configured server runs no command in debug, forwarded headers count only from the proxy."""

import ipaddress
import json
import subprocess
import sys

import pytest

from tests.helpers import LABELLED, ONE, ROOT, SECRET, Api, production_env

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
    result = run("-c", PROBE, DJANGO_SECRET_KEY=SECRET, DJANGO_HTTPS=value)
    assert result.returncode != 0
    assert f"DJANGO_HTTPS={value!r} is not a yes or no: use one of 1, true" in result.stderr


def test_an_unrecognised_number_is_an_error_too():
    result = run("-c", PROBE, DJANGO_SECRET_KEY=SECRET, LABELLED_DRAWINGS_PER_MINUTE="twenty")
    assert result.returncode != 0 and "LABELLED_DRAWINGS_PER_MINUTE='twenty'" in result.stderr


def test_a_configured_server_runs_its_commands_without_debug():
    shell = ["manage.py", "shell", "-c", "from django.conf import settings; print(settings.DEBUG)"]
    assert run(*shell, DJANGO_SECRET_KEY=SECRET).stdout.split()[-1] == "False"
    assert run(*shell).stdout.split()[-1] == "True"  # a fresh checkout, nothing configured


@pytest.mark.django_db
@pytest.mark.storage
def test_forwarded_addresses_count_only_from_the_trusted_proxy(settings):
    settings.BEHIND_PROXY, settings.TRUSTED_PROXIES = True, (ipaddress.ip_network("127.0.0.1"),)
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
    assert json.loads(run("-c", PROBE, DJANGO_SECRET_KEY=SECRET).stdout) is False


def refusal(**env: str) -> str:
    """What the settings say, failing to load, with this environment on a configured server."""
    result = run("-c", PROBE, **{"DJANGO_SECRET_KEY": SECRET, **env})
    assert result.returncode != 0, result.stdout
    return result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(
    "key",
    [
        "replace-with-50-or-more-random-characters",  # .env.example's placeholder
        "test-secret",
        "a" * 80,  # long, but one character
        "django-insecure-" + SECRET,
    ],
)
def test_a_weak_or_placeholder_secret_key_is_refused(key):
    assert "DJANGO_SECRET_KEY" in refusal(DJANGO_SECRET_KEY=key)


def test_the_placeholder_refused_is_the_one_in_env_example():
    example = (ROOT / ".env.example").read_text()
    assert "DJANGO_SECRET_KEY=replace-with-50-or-more-random-characters\n" in example
    assert "placeholder" in refusal(DJANGO_SECRET_KEY="replace-with-50-or-more-random-characters")


def test_an_empty_allowed_hosts_is_refused_in_production():
    assert "DJANGO_ALLOWED_HOSTS must name" in refusal(DJANGO_ALLOWED_HOSTS=" , ")


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_no_workers_is_refused(value):
    assert f"WEB_CONCURRENCY={value!r}: use a whole number of at least 1" in refusal(WEB_CONCURRENCY=value)


def test_a_range_of_trusted_proxies_is_refused_unless_written_as_one():
    said = refusal(DJANGO_BEHIND_PROXY="1", DJANGO_TRUSTED_PROXIES="127.0.0.1,10.0.0.0/8")
    assert "'10.0.0.0/8' is not an IP address; a range must be written as one: range:10.0.0.0/8" in said
    result = run("-c", PROBE, DJANGO_SECRET_KEY=SECRET, DJANGO_BEHIND_PROXY="1",
                 DJANGO_TRUSTED_PROXIES="127.0.0.1,range:10.0.0.0/8")  # fmt: skip
    assert result.returncode == 0, result.stderr


@pytest.mark.django_db
@pytest.mark.storage
def test_a_trusted_range_counts_forwarded_addresses_from_each_of_its_proxies(settings):
    settings.BEHIND_PROXY = True
    settings.TRUSTED_PROXIES = (ipaddress.ip_network("10.0.0.0/30"),)
    settings.LABELLED_DRAWINGS_PER_MINUTE = 1
    body = {"strokes": ONE, "label": 1}
    for n, proxy in enumerate(("10.0.0.1", "10.0.0.2")):  # each proxy of the range tells its clients apart
        told = [Api(proxy).post_json(body, LABELLED, HTTP_X_FORWARDED_FOR=f"192.0.2.{10 * n + i}").status_code
                for i in range(3)]  # fmt: skip
        assert told == [201] * 3, (proxy, told)
    outside = [Api("10.0.0.9").post_json(body, LABELLED, HTTP_X_FORWARDED_FOR=f"192.0.2.{50 + i}").status_code
               for i in range(2)]  # fmt: skip
    assert outside == [201, 429]  # not one of them: its claims are dropped, it is one client


def test_plain_http_for_a_local_test_is_one_variable_and_allows_the_loopback_names():
    probe = "import django, json; django.setup(); from django.conf import settings as s; " + (
        "print(json.dumps([s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.ALLOWED_HOSTS]))"
    )
    production = json.loads(
        run("-c", probe, DJANGO_SECRET_KEY=SECRET, DJANGO_ALLOWED_HOSTS="d.example").stdout
    )
    local = json.loads(run("-c", probe, DJANGO_SECRET_KEY=SECRET, DJANGO_ALLOWED_HOSTS="d.example",
                           DJANGO_HTTPS="0").stdout)  # fmt: skip
    assert production == [True, 31_536_000, ["d.example"]]
    assert local == [False, 0, ["d.example", "localhost", "127.0.0.1", "[::1]"]]


def test_serve_refuses_the_placeholder_key_in_one_line():
    result = run("manage.py", "serve", DJANGO_SECRET_KEY="replace-with-50-or-more-random-characters")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        "ImproperlyConfigured: DJANGO_SECRET_KEY is .env.example's placeholder: put a random one in .env"
    )
