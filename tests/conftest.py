"""Shared test setup: Django settings for the web tests, and a tiny hand-set model to serve.

The environment is set at import time, before Django reads its settings. The autouse
fixture costs nothing for tests that never call the web app: the model is only written once.
"""

import os
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digitsite.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "secret-key-for-tests-only-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")
os.environ.setdefault("DJANGO_HTTPS", "0")  # the test client and live server speak plain HTTP
os.environ.setdefault("DJANGO_HASHED_STATIC", "0")  # no collectstatic before every test run
# Playwright's sync API keeps an event loop running in the main thread; Django's test
# fixtures are sync-only and refuse to run beside it unless told it is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()

from django.conf import settings as django_settings  # noqa: E402

# The shipped models, as the settings name them before any test swaps them out.
SHIPPED_MODEL_DIR, SHIPPED_DEFAULT = django_settings.MODEL_DIR, django_settings.DIGITS_MODEL

import pytest  # noqa: E402

from nn.networks.model_file import save_model  # noqa: E402
from tests import helpers  # noqa: E402


@pytest.fixture(scope="session")
def model_path(tmp_path_factory):
    """The tiny hand-set network (tests/helpers.py), alone in its models folder: the web
    tests know what it answers, and never need the real models."""
    path = tmp_path_factory.mktemp("models") / "mlp.pkl"
    save_model(path, helpers.tiny_network(), {"name": "mlp"})
    return path


@pytest.fixture(autouse=True)
def serve_tiny_model(settings, model_path):
    """Serve the tiny model; recognizer.model_store caches models per path, so this loads once."""
    settings.MODEL_DIR = model_path.parent
    settings.DIGITS_MODEL = model_path


@pytest.fixture(scope="session")
def django_db_modify_db_settings(tmp_path_factory):
    """SQLite tests use a file, as the site does: an in-memory database has no write-ahead
    log and locks differently, so the concurrency tests would test something else."""
    db = django_settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        db.setdefault("TEST", {})["NAME"] = str(tmp_path_factory.mktemp("db") / "test.sqlite3")


@pytest.fixture(scope="session")
def mnist_data():
    """The real MNIST, found where the command lines look ($MNIST_DIR, then the cache) but
    never downloaded. Tests that need it skip without it, except on CI, which must have it."""
    from nn.data.mnist import MnistError, load_mnist

    try:
        return load_mnist(allow_download=False)
    except MnistError:
        if os.environ.get("CI"):
            raise
        pytest.skip("needs the real MNIST files, in $MNIST_DIR or .cache/mnist/")


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory):
    """Where browser tests save their screenshots: $SCREENSHOT_DIR, to keep and look at them,
    else a folder in pytest's temporary directory (pytest keeps the last three runs')."""
    folder = os.environ.get("SCREENSHOT_DIR")
    if not folder:
        return tmp_path_factory.mktemp("screenshots")
    Path(folder).mkdir(parents=True, exist_ok=True)
    return Path(folder)


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium for the end-to-end tests (tests/browser.py has the helpers)."""
    from tests.browser import launch_browser

    yield from launch_browser()


@pytest.fixture
def shipped(settings):
    """Serve the shipped models, as the site does."""
    settings.MODEL_DIR, settings.DIGITS_MODEL = SHIPPED_MODEL_DIR, SHIPPED_DEFAULT


@pytest.fixture
def site(live_server, settings):
    """The live site, serving the shipped models."""
    settings.MODEL_DIR = SHIPPED_MODEL_DIR
    settings.DIGITS_MODEL = SHIPPED_DEFAULT
    return live_server.url


@pytest.fixture
def page(browser, site):
    """The drawing page at desktop size; the test fails if the page logged any error."""
    from tests.browser import open_page

    page = open_page(browser, site, viewport={"width": 1100, "height": 800})
    yield page
    assert page.errors == [], "the page logged errors"
    page.context.close()


@pytest.fixture(scope="module")
def toy_digits():
    """200 synthetic 28x28 'digits' (tests/helpers.py): a bar whose height is the label."""
    return helpers.toy_digits()
