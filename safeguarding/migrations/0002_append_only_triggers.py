"""Database-level protection of the safeguarding record: the database itself refuses to change
a chronology entry, a linked pupil or an access log entry, or what a concern or flag says.

On PostgreSQL deletes are refused too. On SQLite they are refused by the models only, because
the test runner empties tables with DELETE (PostgreSQL uses TRUNCATE, which row triggers don't
see). Rebuilding one of these tables on SQLite (some ALTERs do) drops its triggers, so
tests/safeguarding/test_models.py checks they are still there.
"""

from django.db import migrations

APPEND_ONLY_TABLES = (
    "safeguarding_chronologyentry",
    "safeguarding_concernpupillink",
    "safeguarding_accesslogentry",
)
FIXED_COLUMNS = {
    "safeguarding_concern": (
        "school_id",
        "pupil_id",
        "source",
        "raised_by_id",
        "what_happened",
        "occurred_at",
        "location",
        "immediate_danger",
        "told_dsl_in_person",
        "feeling",
        "about",
        "talk_to",
        "flag_id",
        "idempotency_key",
        "created_at",
    ),
    "safeguarding_flag": (
        "school_id",
        "pupil_id",
        "source",
        "source_key",
        "text_excerpt",
        "reason",
        "matched_phrases",
        "created_at",
    ),
}
MESSAGE = "safeguarding records are append-only"


def _sqlite(schema_editor):
    for table in APPEND_ONLY_TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )
    for table, columns in FIXED_COLUMNS.items():
        changed = " OR ".join(f"NEW.{column} IS NOT OLD.{column}" for column in columns)
        schema_editor.execute(
            f"CREATE TRIGGER {table}_fixed BEFORE UPDATE ON {table} WHEN {changed} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def _postgresql(schema_editor):
    schema_editor.execute(
        "CREATE FUNCTION safeguarding_refuse_change() RETURNS trigger AS $$ "
        f"BEGIN RAISE EXCEPTION USING MESSAGE = '{MESSAGE}: ' || TG_TABLE_NAME; END; "
        "$$ LANGUAGE plpgsql"
    )
    for table in APPEND_ONLY_TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION safeguarding_refuse_change()"
        )
    for table, columns in FIXED_COLUMNS.items():
        changed = " OR ".join(f"NEW.{column} IS DISTINCT FROM OLD.{column}" for column in columns)
        schema_editor.execute(
            f"CREATE TRIGGER {table}_fixed BEFORE UPDATE ON {table} FOR EACH ROW "
            f"WHEN ({changed}) EXECUTE FUNCTION safeguarding_refuse_change()"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} FOR EACH ROW "
            "EXECUTE FUNCTION safeguarding_refuse_change()"
        )


def add_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _sqlite(schema_editor)
    elif vendor == "postgresql":
        _postgresql(schema_editor)


def remove_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        for table in APPEND_ONLY_TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
        for table in FIXED_COLUMNS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_fixed")
    elif vendor == "postgresql":
        for table in APPEND_ONLY_TABLES:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
        for table in FIXED_COLUMNS:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_fixed ON {table}")
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete ON {table}")
        schema_editor.execute("DROP FUNCTION IF EXISTS safeguarding_refuse_change()")


class Migration(migrations.Migration):
    dependencies = [("safeguarding", "0001_initial")]

    operations = [migrations.RunPython(add_triggers, remove_triggers)]
