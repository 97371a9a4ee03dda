"""Logging filters: tracebacks only for our own failures, and what clients cause counted,
not written line by line.

Django logs a client's bad request (a 4xx, a body that could not be read, a Host header
not allowed) with the exception attached, and each with the path or the host the client
sent: a scanner or a flood of refused requests would write a line, even a traceback, per
request, a gigabyte a minute. Such records are counted instead, and at most once a minute
one line says how many there were of each status; nothing the client sent is in it.
"""

import logging
import time
from collections import Counter

SUMMARY_SECONDS = 60  # a line of counts at most this often


class NoClientTracebacks(logging.Filter):
    """Tracebacks for our bugs only: not for what clients cause, nor for a 503 (a database
    that does not answer: one line a request says so, without a traceback each)."""

    def filter(self, record: logging.LogRecord) -> bool:
        unavailable = getattr(record, "status_code", None) == 503
        if record.levelno < logging.ERROR or record.name.startswith("django.security") or unavailable:
            record.exc_info = record.exc_text = None
        return True


class CountRejections(logging.Filter):
    """A 4xx answer (django.request, django.security) is counted by status; the record that
    finds the last count a minute old or more is replaced by the counts since then."""

    def __init__(self):
        super().__init__()
        self.counts: Counter[int] = Counter()
        self.since = time.monotonic() - SUMMARY_SECONDS  # the first refusal is said at once

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        client = record.name.startswith("django.security") or (
            record.name == "django.request" and status is not None and 400 <= status < 500
        )
        if not client:
            return True
        self.counts[status or 400] += 1
        now = time.monotonic()
        if now - self.since < SUMMARY_SECONDS:
            return False
        counts = ", ".join(f"{count} x {status}" for status, count in sorted(self.counts.items()))
        record.msg, record.args = "requests refused in the last %d s: %s", (round(now - self.since), counts)
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        record.exc_info = record.exc_text = record.stack_info = None
        self.counts.clear()
        self.since = now
        return True
