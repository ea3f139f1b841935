"""SQLite writers queue on one lock, so that none waits in SQLite's sleeping busy handler."""

import threading
import time

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
