"""INSERTs of a model's rows as plain SQL made once, for the writes that must be fast.

Compiling the statement is most of what create() and bulk_create() cost, far more than the
database takes to run it; citizen intake pays it for every row it writes. `Insert` builds the
statement from the model's _meta once per database and number of rows, and adapts every value
with its field, as the ORM does (pre_save with add, then get_db_prep_save), so a field added
to the model is written without a change here. What it cannot write as plain values (a
database expression, a field with its own placeholder, generated columns, several tables) is
left to bulk_create.
"""

from django.db import connections
from django.db.models import AutoField


class Insert:
    """bulk_create for one model in plain SQL: the rows get their primary keys when the
    database returns them, as with bulk_create, and no signals are sent."""

    def __init__(self, model):
        self.model = model
        self._statements = {}
        meta = model._meta
        self.fields = [f for f in meta.concrete_fields if not f.generated]
        self.fields_without_auto = [f for f in self.fields if not isinstance(f, AutoField)]
        self.plain = not any(
            parent._meta.concrete_model is not meta.concrete_model for parent in meta.all_parents
        ) and not any(hasattr(f, "get_placeholder") for f in self.fields)

    def rows(self, objs, *, using="default"):
        """Insert `objs` as bulk_create(objs) would, and return them."""
        return self.prepare(objs, using=using).write()

    def prepare(self, objs, *, using="default"):
        """The rows of `objs` with their values adapted now, to be written by `write()` later:
        a writer that must hold a lock to write does this part before taking it. What is
        known only then (the key the database hands out) is set with `fill()`."""
        return Rows(self, objs, using)

    def _prepare(self, objs, connection):
        """(fields, values per row, whether the keys come back), or None for bulk_create."""
        for obj in objs:
            if not obj._is_pk_set():
                obj.pk = obj._meta.pk.get_pk_value_on_save(obj)
            # An unsaved related object is refused, as bulk_create refuses it.
            obj._prepare_related_fields_for_save(operation_name="bulk_create")
        with_pk = objs[0]._is_pk_set()
        fields = self.fields if with_pk else self.fields_without_auto
        values = [self._values(obj, fields, connection) for obj in objs]
        if (
            not self.plain
            or any(obj._is_pk_set() != with_pk for obj in objs)
            or any(hasattr(v, "resolve_expression") for row in values for v in row)
        ):
            return None
        return fields, values, not with_pk and connection.features.can_return_rows_from_bulk_insert

    @staticmethod
    def _values(obj, fields, connection):
        return [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields]

    def _statement(self, connection, fields, count, returning):
        key = (connection.alias, connection.vendor, len(fields), count, returning)
        sql = self._statements.get(key)
        if sql is None:
            quote = connection.ops.quote_name
            row = "(" + ", ".join(["%s"] * len(fields)) + ")"
            sql = (
                f"INSERT INTO {quote(self.model._meta.db_table)} "
                f"({', '.join(quote(f.column) for f in fields)}) VALUES " + ", ".join([row] * count)
            )
            if returning:
                returned, _params = connection.ops.return_insert_columns([self.model._meta.pk])
                sql += " " + returned
            # Two threads may both build it; either copy is the same statement.
            self._statements[key] = sql
        return sql


class Rows:
    """Rows of one model, ready to be inserted (Insert.prepare)."""

    def __init__(self, insert, objs, using):
        self.insert = insert
        self.objs = list(objs)
        self.using = using
        # None: written by bulk_create, which adapts the values itself when it runs.
        self.prepared = insert._prepare(self.objs, connections[using]) if self.objs else None

    def fill(self, name, value):
        """Set the field `name` to `value` in every row (a related object for a foreign
        key): a key known only once the write has begun. The primary key is filled in only
        for a single row."""
        field = self.insert.model._meta.get_field(name)
        if field.primary_key and len(self.objs) > 1:
            raise ValueError("Only one row can be given a primary key this way.")
        for obj in self.objs:
            setattr(obj, field.name, value)
        if self.prepared is None:
            return
        fields, values, returning = self.prepared
        adapted = field.get_db_prep_save(
            getattr(self.objs[0], field.attname), connections[self.using]
        )
        if field in fields:
            index = fields.index(field)
            for row in values:
                row[index] = adapted
        else:
            # A key the database would have returned is given instead: the statement
            # names the key column, and nothing comes back.
            index = self.insert.fields.index(field)
            for row in values:
                row.insert(index, adapted)
            self.prepared = self.insert.fields, values, False

    def write(self):
        """Insert the rows and return their objects, which have their keys."""
        objs, using = self.objs, self.using
        if not objs:
            return objs
        if self.prepared is None:
            return self.insert.model._base_manager.using(using).bulk_create(objs)
        connection = connections[using]
        fields, values, returning = self.prepared
        statement = self.insert._statement
        batch = (
            len(objs) if len(objs) == 1 else max(1, connection.ops.bulk_batch_size(fields, objs))
        )
        with connection.cursor() as cursor:
            for start in range(0, len(objs), batch):
                chunk = values[start : start + batch]
                cursor.execute(
                    statement(connection, fields, len(chunk), returning),
                    [v for row in chunk for v in row],
                )
                if returning:
                    for obj, (pk,) in zip(objs[start:], cursor.fetchall(), strict=False):
                        obj.pk = pk
        for obj in objs:
            obj._state.adding = False
            obj._state.db = using
        return objs
