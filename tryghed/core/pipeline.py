"""A write transaction's statements sent together on PostgreSQL.

Each statement is a round trip: the client waits for the server's answer before it sends the
next, and on a busy machine every wait lasts until the server's process gets a CPU. In
psycopg's pipeline mode a statement whose answer is not read goes out without waiting, so
the INSERTs that end a transaction travel with its COMMIT in one round trip. An error in any
of them is raised by the commit, which rolls the whole transaction back, as Django does for
any failing commit. Elsewhere, and inside a transaction begun before, it does nothing.
"""

from contextlib import contextmanager

from django.db import connections


@contextmanager
def pipelined(using="default"):
    """Run the block, which must hold the whole transaction (a transaction.atomic() inside
    it), in pipeline mode on PostgreSQL."""
    connection = connections[using]
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    connection.ensure_connection()
    with connection.connection.pipeline():
        yield
