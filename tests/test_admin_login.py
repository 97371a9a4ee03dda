"""The admin's login: an address that keeps guessing is locked out, the right password
included, until the cool-off has passed; and a weak password cannot be set."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.storage]
PASSWORD = "correct horse battery staple"
LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    """Hashing as fast as possible: the tests sign in a dozen times."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def admin_user():
    return User.objects.create_superuser("reviewer", "reviewer@example.com", PASSWORD)


def log_in(password: str, address: str = "203.0.113.7"):
    client = Client(REMOTE_ADDR=address)
    response = client.post(LOGIN, {"username": "reviewer", "password": password})
    signed_in = client.get("/admin/").status_code == 200
    return response, signed_in


def test_the_right_password_signs_in(admin_user):
    response, signed_in = log_in(PASSWORD)
    assert response.status_code == 302 and signed_in


def test_after_five_wrong_passwords_the_address_is_locked_out_even_with_the_right_one(admin_user):
    statuses = [log_in(f"guess {i}")[0].status_code for i in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses[:-1] == [200] * (settings.AXES_FAILURE_LIMIT - 1)  # the form again, with an error
    assert statuses[-1] == 429
    response, signed_in = log_in(PASSWORD)
    assert response.status_code == 429 and not signed_in
    # Another address is not locked out.
    assert log_in(PASSWORD, address="198.51.100.9")[1]


def test_the_lockout_ends_after_the_cool_off(admin_user):
    for i in range(settings.AXES_FAILURE_LIMIT):
        log_in(f"guess {i}")
    assert log_in(PASSWORD)[0].status_code == 429
    moved = settings.AXES_COOLOFF_TIME + timedelta(seconds=1)
    for attempt in AccessAttempt.objects.all():  # as if the cool-off had passed
        AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt.attempt_time - moved)
    response, signed_in = log_in(PASSWORD)
    assert response.status_code == 302 and signed_in


@pytest.mark.parametrize("weak", ["1", "password123", "12345678901234", "reviewer2024"])
def test_a_weak_password_is_refused(admin_user, weak):
    with pytest.raises(ValidationError):
        validate_password(weak, admin_user)


def test_a_long_uncommon_passphrase_is_accepted(admin_user):
    validate_password("maple kettle orbit sandstone", admin_user)
