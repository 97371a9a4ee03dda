"""A per-client rate limit kept in the database, so every worker process shares it.

A sliding window, approximated from two fixed ones: the requests of the current window,
plus those of the previous window weighted by how much of it still lies within the last
`window_seconds`. So no burst across a window boundary gets twice the limit. Counters are
incremented atomically in SQL. The client is a keyed hash of its address, never the
address itself, and counters are deleted once they no longer matter.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from .models import RateWindow


def client_key(address: str) -> str:
    return hmac.new(settings.SECRET_KEY.encode(), address.encode(), hashlib.sha256).hexdigest()


def count_request(key: str, window: int, count: int = 1) -> None:
    if not RateWindow.objects.filter(client=key, window=window).update(count=F("count") + count):
        try:
            with transaction.atomic():  # a savepoint: another worker may create it first
                RateWindow.objects.create(client=key, window=window, count=count)
        except IntegrityError:
            RateWindow.objects.filter(client=key, window=window).update(count=F("count") + count)


def take(
    address: str, limit: int, window_seconds: int, now: float | None = None, count: int = 1
) -> int | None:
    """Count `count` requests from `address` (a number's digits, each a labelled drawing).
    None if they are allowed; else the seconds to wait."""
    now = time.time() if now is None else now
    window = int(now // window_seconds) * window_seconds
    previous_weight = 1 - (now - window) / window_seconds  # the part of it still in the last minute
    key = client_key(address)
    with transaction.atomic():
        RateWindow.objects.filter(window__lt=window - window_seconds).delete()
        count_request(key, window, count)
        counts = dict(RateWindow.objects.filter(client=key, window__gte=window - window_seconds)
                      .values_list("window", "count"))  # fmt: skip
    current, previous = counts.get(window, 0), counts.get(window - window_seconds, 0)
    if current + previous * previous_weight <= limit:
        return None
    # Wait until the previous window's weighted share has dropped enough, or the window ends.
    if previous and current <= limit:
        drop = (current + previous * previous_weight - limit) / previous  # of the weight
        return max(1, math.ceil(drop * window_seconds))
    return max(1, math.ceil(window + window_seconds - now))
