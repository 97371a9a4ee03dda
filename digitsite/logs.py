"""A logging filter: tracebacks only for our own failures, not for what clients cause.

Django logs a client's bad request (a 4xx, a body that could not be read, a Host header
not allowed) with the exception attached; a scanner or a flood of slow clients would then
write a traceback per request. Such records keep their one line, without the traceback.
"""

import logging


class NoClientTracebacks(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR or record.name.startswith("django.security"):
            record.exc_info = record.exc_text = None
        return True
