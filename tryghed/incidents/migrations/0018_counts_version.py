"""A mark per source of its monthly counts and cell totals as they are (`CountsVersion`), set
anew by triggers on those tables in every statement that changes them.

On PostgreSQL a trigger per statement marks the sources its rows belong to, once for an
import's hundreds of thousands of count rows; on SQLite, which has triggers per row only,
each count row changed marks its source, an update of one row by its key.
"""

import django.db.models.deletion
from django.db import migrations, models

TABLES = ["incidents_monthlycount", "incidents_celltotal"]
FUNCTION = "incidents_counts_versioned"
# At most 4 × 10^18 (a bigint), from the 52 random bits of random().
POSTGRES_MARK = "(random() * 4e18)::bigint"


def _postgres_upsert(rows):
    # In the order of the key, so that transactions marking several sources cannot deadlock.
    return f"""
        INSERT INTO incidents_countsversion AS v (source_id, version)
        SELECT source_id, {POSTGRES_MARK} FROM (SELECT DISTINCT source_id FROM ({rows}) AS r)
            AS changed ORDER BY source_id
        ON CONFLICT (source_id) DO UPDATE SET version = EXCLUDED.version;"""


POSTGRES_FUNCTION = f"""
CREATE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN {_postgres_upsert("SELECT source_id FROM new_rows")}
    ELSIF TG_OP = 'DELETE' THEN {_postgres_upsert("SELECT source_id FROM old_rows")}
    ELSE {
    _postgres_upsert("SELECT source_id FROM new_rows UNION ALL SELECT source_id FROM old_rows")
}
    END IF;
    RETURN NULL;
END $$;"""


def _postgres_triggers(table):
    transitions = {
        "insert": "NEW TABLE AS new_rows",
        "delete": "OLD TABLE AS old_rows",
        "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
    }
    return [
        f"CREATE TRIGGER {table}_versioned_{action} AFTER {action.upper()} ON {table} "
        f"REFERENCING {transition} FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}()"
        for action, transition in transitions.items()
    ]


def _sqlite_mark(row):
    # SQLite reads "ON CONFLICT" after a SELECT as part of a join unless a WHERE comes first.
    return f"""
        INSERT INTO incidents_countsversion (source_id, version)
        SELECT {row}.source_id, random() WHERE true
        ON CONFLICT (source_id) DO UPDATE SET version = excluded.version;"""


def _sqlite_triggers(table):
    moved = _sqlite_mark("OLD").replace("WHERE true", "WHERE OLD.source_id IS NOT NEW.source_id")
    return [
        f"CREATE TRIGGER {table}_versioned_insert AFTER INSERT ON {table} "
        f"BEGIN {_sqlite_mark('NEW')} END",
        f"CREATE TRIGGER {table}_versioned_delete AFTER DELETE ON {table} "
        f"BEGIN {_sqlite_mark('OLD')} END",
        f"CREATE TRIGGER {table}_versioned_update AFTER UPDATE ON {table} "
        f"BEGIN {_sqlite_mark('NEW')} {moved} END",
    ]


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        statements = [POSTGRES_FUNCTION]
        for table in TABLES:
            statements += _postgres_triggers(table)
    elif vendor == "sqlite":
        statements = [statement for table in TABLES for statement in _sqlite_triggers(table)]
    else:
        raise NotImplementedError(f"No count version triggers for {vendor}.")
    for statement in statements:
        schema_editor.execute(statement, params=None)


def drop_triggers(apps, schema_editor):
    postgres = schema_editor.connection.vendor == "postgresql"
    for table in TABLES:
        for action in ("insert", "delete", "update"):
            on = f" ON {table}" if postgres else ""
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS {table}_versioned_{action}{on}", params=None
            )
    if postgres:
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {FUNCTION}()", params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0017_cell_count_map_sqlite"),
    ]

    operations = [
        migrations.CreateModel(
            name="CountsVersion",
            fields=[
                (
                    "source",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="incidents.incidentsource",
                        verbose_name="source",
                    ),
                ),
                ("version", models.BigIntegerField(verbose_name="version")),
            ],
            options={
                "verbose_name": "version of the counts",
                "verbose_name_plural": "versions of the counts",
            },
        ),
        migrations.RunPython(create_triggers, drop_triggers),
    ]
