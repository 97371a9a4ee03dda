"""A per-client rate limit kept in the database, so every worker process shares it.

A sliding window, approximated from two fixed ones: what the client sent in the current
window, plus what it sent in the previous window weighted by how much of it still lies
within the last `window_seconds`. So no burst across a window boundary gets twice the limit.
What is counted is requests, or any amount (a drawing's bytes): each limit counts its own
`what`. Counters are incremented atomically in SQL. The client is a keyed hash of its
address and of what is counted, never the address itself, and counters are deleted once
they no longer matter.
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


def client_key(address: str, what: str = "") -> str:
    message = f"{what} {address}" if what else address
    return hmac.new(settings.SECRET_KEY.encode(), message.encode(), hashlib.sha256).hexdigest()


def count(key: str, window: int, seconds: int, amount: int) -> None:
    if not RateWindow.objects.filter(client=key, window=window).update(count=F("count") + amount):
        try:
            with transaction.atomic():  # a savepoint: another worker may create it first
                RateWindow.objects.create(client=key, window=window, seconds=seconds, count=amount)
        except IntegrityError:
            RateWindow.objects.filter(client=key, window=window).update(count=F("count") + amount)


def take(
    address: str,
    limit: int,
    window_seconds: int,
    now: float | None = None,
    *,
    amount: int = 1,
    what: str = "",
) -> int | None:
    """Count `amount` (one request, by default) from `address`. None if it is within the
    limit; else the seconds to wait."""
    now = time.time() if now is None else now
    window = int(now // window_seconds) * window_seconds
    previous_weight = 1 - (now - window) / window_seconds  # the part of it still in the last window
    key = client_key(address, what)
    with transaction.atomic():
        RateWindow.objects.filter(seconds=window_seconds, window__lt=window - window_seconds).delete()
        count(key, window, window_seconds, amount)
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
