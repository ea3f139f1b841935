"""On SQLite, an index that holds every column a map of one category reads (CellCount).

SQLite has to look each cell up in the table after finding it in the key, and an import's
count rows land all over the table: at 1,000,000 incidents the map's query read 9,730 cells
in 23 ms through the key and in 12 ms from this index alone. PostgreSQL keeps a new source's
cells of a category and year together on disk (the importer writes them so) and goes without
it: there the same index cost an import of 3,000,000 incidents 8.4 s.
"""

from django.db import migrations

INDEX = "cell_count_map_sqlite"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(
            f'CREATE INDEX "{INDEX}" ON "incidents_cellcount" '
            '("category", "year", "cell_row", "cell_column", "source_id", "incidents")'
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [("incidents", "0016_cell_counts")]

    operations = [migrations.RunPython(create_index, drop_index)]
