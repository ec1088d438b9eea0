"""Where ``serve`` logs go and how they read: plain lines for people, JSON lines for machines."""

from __future__ import annotations

import logging
import sys

from pythonjsonlogger.json import JsonFormatter

PLAIN = "%(asctime)s %(levelname)-7s %(message)s"
#: Each JSON line carries these and ``timestamp`` (ISO 8601, UTC), plus whatever ``extra``
#: fields the call site adds.
JSON_FIELDS = ["levelname", "name", "message"]
#: Libraries whose debug lines say nothing about the sandbox's payments (faker reports each
#: locale it loads): they log warnings and errors only, whatever the level.
QUIET_LIBRARIES = ("faker", "asyncio")


class PlainFormatter(logging.Formatter):
    """Lines for people; the time of day is written once a second, not once a line (under load
    the activity log writes a line per payment)."""

    _second: int | None = None
    _written = ""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        second = int(record.created)
        if second != self._second:
            self._second, self._written = second, super().formatTime(record, datefmt)
        return self._written


def configure_logging(level: str, form: str) -> None:
    """One handler on stderr for the whole process; ``level`` and ``form`` from Settings."""
    handler = logging.StreamHandler(sys.stderr)
    if form == "json":
        handler.setFormatter(
            JsonFormatter(
                JSON_FIELDS,
                rename_fields={"levelname": "level", "name": "logger"},
                timestamp=True,
            )
        )
    else:
        handler.setFormatter(PlainFormatter(PLAIN, datefmt="%H:%M:%S"))
    logging.basicConfig(level=level.upper(), handlers=[handler], force=True)
    # No format of ours shows them, and every record paid to look them up (the logging HOWTO's
    # "Optimization" section): thread, process and multiprocessing names.
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    # Nor where each call was made from (file, line, function): the same section's
    # ``_srcfile = None`` spares every record a walk up the stack.
    logging._srcfile = None
    for name in QUIET_LIBRARIES:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLogger().level))
