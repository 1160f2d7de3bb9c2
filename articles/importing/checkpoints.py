"""SQLite's write-ahead log copied back into the database beside the import, not in its way.

In WAL mode, SQLite writes each commit to the log, and the connection that commits past 1,000
pages of log copies it back into the database (a checkpoint) before its commit returns: page
copies and an fsync that a first import's writer, whose pace sets the import's, waited on for a
tenth of its time. During an import, its connection leaves checkpoints to a thread with a
connection of its own, which copies the log back after each batch's commit while the writer
goes on (PASSIVE: it never waits on the writer or on readers, nor blocks them). Should the log
still grow past `WAIT_FROM_PAGES` (a checkpoint always behind the next batch's first write,
which is when SQLite starts the log again), the writer waits for a checkpoint, as SQLite's own
would have made it: the log stays a few batches long.

Nothing changes on PostgreSQL, in a transaction (a dry run, a test case: nothing is committed
until it ends) or on a database not in WAL mode.
"""

import logging
import threading

from django.db import DatabaseError, connection

logger = logging.getLogger(__name__)

WAIT_FROM_PAGES = 65536  # of log (256 MB of 4 KB pages)


class BackgroundCheckpoints:
    def __init__(self):
        self.thread: threading.Thread | None = None
        self.wanted = threading.Event()  # a commit happened since the last checkpoint began
        self.running = threading.Lock()  # one checkpoint at a time
        self.log_pages = 0  # how long the log was at the last checkpoint
        self.stopping = False

    def __enter__(self):
        if connection.vendor != "sqlite" or connection.in_atomic_block:
            return self
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            if cursor.fetchone()[0].lower() != "wal":
                return self
            cursor.execute("PRAGMA wal_autocheckpoint")
            (self.every,) = cursor.fetchone()
            cursor.execute("PRAGMA wal_autocheckpoint=0")
            try:
                thread = threading.Thread(target=self._run, name="import-checkpoint", daemon=True)
                thread.start()
            except BaseException:  # no thread (or interrupted): SQLite checkpoints as before
                cursor.execute(f"PRAGMA wal_autocheckpoint={int(self.every)}")
                raise
        self.thread = thread
        return self

    def committed(self) -> None:
        """After a commit: the log is copied back meanwhile (or now, if it grew too long)."""
        if self.thread is None:
            return
        if self.log_pages > WAIT_FROM_PAGES or not self.thread.is_alive():
            # On this thread's connection, between two transactions: the log grew too long,
            # or the checkpoint thread ended (it should not), and the log must not grow on.
            self._checkpoint()
        else:
            self.wanted.set()

    def __exit__(self, *exc_info):
        if self.thread is None:
            return
        self.stopping = True
        self.wanted.set()
        self.thread.join()
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA wal_autocheckpoint={int(self.every)}")

    def _run(self) -> None:
        try:
            while True:
                self.wanted.wait()
                self.wanted.clear()
                stopping = self.stopping  # then every commit came before this checkpoint
                self._checkpoint()  # `connection` is this thread's own
                if stopping:
                    return
        finally:
            connection.close()

    def _checkpoint(self) -> None:
        with self.running:
            try:
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
                    _busy, self.log_pages, _copied = cursor.fetchone()
            except DatabaseError:  # the next one, or SQLite's own after the import, copies it
                logger.debug("A checkpoint during the import failed", exc_info=True)
