"""A transaction's statements sent together on PostgreSQL.

Each statement is a round trip: the client waits for the server's answer before it sends the
next, and on a busy machine every wait lasts until the server's process gets a CPU. In
psycopg's pipeline mode a statement whose answer is not read goes out without waiting: the
INSERTs that end a transaction travel together, and their answers are checked when the block
ends, so that an error in any of them is raised there and the transaction around it rolls
back. Elsewhere it does nothing.
"""

from contextlib import contextmanager

from django.db import connections


@contextmanager
def pipelined(using="default"):
    """Run the block, which must be inside a transaction (transaction.atomic()), in pipeline
    mode on PostgreSQL. The transaction is begun and ended outside it: psycopg cannot
    switch the connection's autocommit while a pipeline's answers may still be on the way."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("A pipeline runs inside a transaction.")
    connection.ensure_connection()
    # An error of a statement in the pipeline is raised when it ends, past Django's cursor:
    # raised as Django raises it from a cursor (IntegrityError, …).
    with connection.wrap_database_errors, connection.connection.pipeline():
        yield
