"""Logging for the project: refusals are one line, errors keep their traceback.

Django logs a 403 (and other 4xx answers raised as exceptions) with the exception's traceback, so
a probing run fills the server log with thousands of lines that say nothing new. A refusal is
expected behaviour: one line with the path and the user's id (never a name or anything a pupil
typed) is what an operator needs. 5xx answers keep their traceback.
"""

from __future__ import annotations

import logging


class OneLineRefusals(logging.Filter):
    """Drop the traceback of a 4xx answer and add who asked (user id or "anonymous")."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is None or status >= 500:
            return True
        record.exc_info = None
        record.exc_text = None
        user = getattr(getattr(record, "request", None), "user", None)
        who = f"user {user.pk}" if getattr(user, "is_authenticated", False) else "anonymous"
        record.msg = f"{record.msg} [{status}, {who}]"
        return True
