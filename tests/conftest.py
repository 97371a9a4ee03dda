"""Shared test setup: Django settings for the web tests, and a small untrained model to serve.

The environment is set at import time, before Django reads its settings. The autouse
fixture costs nothing for tests that never call the web app: the model is only written once.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "digitsite.settings")
os.environ.setdefault("DJANGO_DEBUG", "0")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver,localhost")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from nn.model_file import save_model  # noqa: E402
from nn.network import Network  # noqa: E402


@pytest.fixture(scope="session")
def model_path(tmp_path_factory):
    """A randomly initialised (untrained) model file: the web tests never need the real one."""
    path = tmp_path_factory.mktemp("model") / "random.pkl"
    save_model(path, Network.initialise(np.random.default_rng(0)), {})
    return path


@pytest.fixture(autouse=True)
def serve_random_model(settings, model_path):
    """Serve the random model; recognizer.model_store caches models per path, so this loads once."""
    settings.DIGITS_MODEL = model_path
