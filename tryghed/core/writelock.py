"""One writer at a time on SQLite, queued by the kernel rather than by SQLite's busy handler.

SQLite lets one transaction write at a time. A writer that finds the lock taken waits in
SQLite's busy handler, which polls with growing sleeps (1, 2, 5 … up to 100 ms), so under load
a waiting writer often sleeps long after the lock was freed, and the slowest requests wait
for hundreds of milliseconds. Writers that take this lock first queue instead on a lock file
(across the web server's processes) and a thread lock (across the threads of one process),
and are woken the moment the previous writer commits. On PostgreSQL it does nothing: rows,
not the database, are locked there.
"""

import fcntl
import os
import threading
from contextlib import contextmanager

from django.db import connections

_thread_lock = threading.Lock()
_files = {}

# SQLite copies the write-ahead log into the database once it has grown to 1,000 pages, in
# the commit that took it there: 5 to 10 ms, sometimes 100, in which that writer holds the
# lock and every other waits (one submission in 40). Writers that queue here do it
# themselves every so many writes, after letting the lock go, which keeps the log short of
# that size: a citizen's submission writes 16 to 20 pages.
CHECKPOINT_EVERY = 20
_writes = 0


def _lock_file(path):
    # One open file per process: flock belongs to the open file, which the threads share,
    # so the thread lock must be held before it.
    handle = _files.get(path)
    if handle is None or handle.closed:
        handle = _files[path] = open(path, "a+b")  # noqa: SIM115 (kept open for the process)
    return handle


@contextmanager
def serialized_writes(using="default"):
    global _writes
    connection = connections[using]
    name = connection.settings_dict["NAME"]
    if connection.vendor != "sqlite" or connection.in_atomic_block or _in_memory(name):
        yield
        return
    with _thread_lock:
        handle = _lock_file(f"{name}.writer-lock")
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
        _writes += 1
        due = _writes % CHECKPOINT_EVERY == 0
    if due:
        checkpoint(using)


def checkpoint(using="default"):
    """Copy what the write-ahead log holds into the database, as far as no reader needs it
    still, without waiting for anyone; the writers go on meanwhile."""
    with connections[using].cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
        # (whether it was blocked, pages in the log, pages copied)
        return cursor.fetchone()


def _in_memory(name):
    name = str(name)
    return name == ":memory:" or "mode=memory" in name or not os.path.isabs(name)
