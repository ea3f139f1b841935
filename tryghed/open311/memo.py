"""Per-worker memory of the configuration every submission reads: API clients and services.

Without it a submission spends much of its time fetching the same few rows again. A worker
keeps what it read for TTL seconds, so a change (a deactivated key, an edited service)
reaches every worker within that time, and the worker that deactivates a key at once.
"""

import threading
import time

TTL = 30
MAX_ENTRIES = 1000


class Memo:
    def __init__(self, ttl=TTL, max_entries=MAX_ENTRIES):
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries = {}
        self._lock = threading.Lock()

    def get(self, key, load):
        """The remembered value of `key`, or load() remembered; None is never remembered, so
        that unknown keys and codes cannot fill the memory."""
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None and entry[0] > now:
            return entry[1]
        value = load()
        if value is not None:
            with self._lock:
                if len(self._entries) >= self.max_entries:
                    self._entries.clear()
                self._entries[key] = (now + self.ttl, value)
        return value

    def clear(self):
        with self._lock:
            self._entries.clear()


clients = Memo()
services = Memo()


def forget_all():
    clients.clear()
    services.clear()
