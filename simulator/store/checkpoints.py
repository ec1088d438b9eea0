"""SQLite WAL checkpoints on a thread of their own, so no commit on the event loop pays for one.

By default the connection that commits past 1 000 WAL pages copies the WAL into the database
file then and there, two fsyncs included (``synchronous=NORMAL``): on the event loop's thread
that stalled every request and webhook for tens of milliseconds about once a second under
load. The store turns that off (``wal_autocheckpoint = 0``) and this thread, with a connection
of its own, runs a PASSIVE checkpoint every ``interval`` seconds instead: it waits for no
reader or writer, and the loop's commits go on meanwhile. Committed data is durable either
way; a checkpoint only moves it from the WAL to the main file.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

#: Seconds between checkpoints: the WAL holds about this long of writes.
INTERVAL = 1.0


class Checkpointer:
    def __init__(self, connect: Callable[[], sqlite3.Connection], interval: float = INTERVAL):
        self._connect = connect
        self._interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="sqlite-checkpoints", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _run(self) -> None:
        db = self._connect()
        try:
            while not self._stop.wait(self._interval):
                try:
                    db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                except sqlite3.Error as error:  # busy or locked: the next one copies it all
                    log.debug("WAL checkpoint skipped: %s", error)
        finally:
            db.close()
