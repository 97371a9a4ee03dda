"""A per-client rate limit kept in the database, so every worker process shares it.

Fixed windows: the first request of a window creates its counter, later ones increment it
atomically in SQL. The client is a keyed hash of its address, never the address itself, and
counters of windows that are over are deleted.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from .models import RateWindow


def client_key(address: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def take(address: str, limit: int, window_seconds: int, now: float | None = None) -> int | None:
    """Count one request from `address`. None if it is allowed; else the seconds to wait."""
    now = time.time() if now is None else now
    window = int(now // window_seconds) * window_seconds
    key = client_key(address)
    with transaction.atomic():
        RateWindow.objects.filter(window__lt=window).delete()
        if not RateWindow.objects.filter(client=key, window=window).update(count=F("count") + 1):
            try:
                with transaction.atomic():  # a savepoint: another worker may create it first
                    RateWindow.objects.create(client=key, window=window, count=1)
            except IntegrityError:
                RateWindow.objects.filter(client=key, window=window).update(count=F("count") + 1)
        count = RateWindow.objects.get(client=key, window=window).count
    if count <= limit:
        return None
    return max(1, int(window + window_seconds - now + 0.999))
