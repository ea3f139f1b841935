"""SQLite writers queue on one lock, so that none waits in SQLite's sleeping busy handler."""

import fcntl
import threading
import time
from unittest import mock

import pytest
from django.db import connection, transaction

from tryghed.core import writelock

pytestmark = pytest.mark.django_db(transaction=True)


def _sqlite_file():
    name = str(connection.settings_dict["NAME"])
    return connection.vendor == "sqlite" and not writelock._in_memory(name)


def test_a_second_writer_waits_until_the_first_is_done():
    if not _sqlite_file():
        pytest.skip("the queue exists only for a SQLite database file")
    order = []
    first_inside = threading.Event()

    def first():
        with writelock.serialized_writes():
            first_inside.set()
            time.sleep(0.2)
            order.append("first done")

    def second():
        first_inside.wait(5)
        with writelock.serialized_writes():
            order.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert order == ["first done", "second in"]


def test_the_lock_is_free_again_after_an_error():
    if not _sqlite_file():
        pytest.skip("the queue exists only for a SQLite database file")
    with pytest.raises(RuntimeError), writelock.serialized_writes():
        raise RuntimeError
    taken = threading.Event()

    def writer():
        with writelock.serialized_writes():
            taken.set()

    thread = threading.Thread(target=writer)
    thread.start()
    thread.join(5)
    assert taken.is_set()


def test_inside_a_transaction_it_takes_no_lock():
    # The transaction already holds SQLite's write lock, or will; queuing again could only
    # deadlock against a thread that waits for that transaction.
    with transaction.atomic(), writelock.serialized_writes():
        assert not writelock._thread_lock.locked()


def test_the_log_is_copied_into_the_database_by_a_writer_after_it_let_the_lock_go():
    if not _sqlite_file():
        pytest.skip("the queue exists only for a SQLite database file")
    lock_file = f"{connection.settings_dict['NAME']}.writer-lock"
    seen = []

    def checkpoint(using="default"):
        # Another process could take the lock now: the writer does not hold it.
        with open(lock_file, "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(handle, fcntl.LOCK_UN)
        seen.append(real_checkpoint(using))

    real_checkpoint = writelock.checkpoint
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE written (n integer)")
    writelock._writes = 0
    with mock.patch.object(writelock, "checkpoint", checkpoint):
        for n in range(2 * writelock.CHECKPOINT_EVERY):
            with (
                writelock.serialized_writes(),
                transaction.atomic(),
                connection.cursor() as cursor,
            ):
                cursor.execute("INSERT INTO written VALUES (%s)", [n])
    assert len(seen) == 2
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM written")
        assert cursor.fetchone() == (2 * writelock.CHECKPOINT_EVERY,)
        cursor.execute("DROP TABLE written")
