"""Task workers' heartbeats (stranded-task recovery), and TRUNCATE refused on PostgreSQL.

The append-only triggers of 0002 are row triggers (UPDATE, DELETE); TRUNCATE empties a table
without firing them. On PostgreSQL a BEFORE TRUNCATE statement trigger now refuses it for every
table of the safeguarding record. (SQLite has no TRUNCATE.) The test suite empties tables
between tests with TRUNCATE, as a superuser with session_replication_role = replica, which
PostgreSQL only lets a superuser set: see tests/conftest.py.
"""

from django.db import migrations, models

NO_TRUNCATE_TABLES = (
    "safeguarding_concern",
    "safeguarding_chronologyentry",
    "safeguarding_concernpupillink",
    "safeguarding_flag",
    "safeguarding_accesslogentry",
    "safeguarding_accessloghead",
)


def add_truncate_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # A function of its own, so that 0002's triggers can be dropped and made again without it.
    schema_editor.execute(
        "CREATE FUNCTION safeguarding_refuse_truncate() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION USING MESSAGE = "
        "'safeguarding records are append-only: ' || TG_TABLE_NAME; END; "
        "$$ LANGUAGE plpgsql"
    )
    for table in NO_TRUNCATE_TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION safeguarding_refuse_truncate()"
        )


def remove_truncate_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in NO_TRUNCATE_TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS safeguarding_refuse_truncate()")


class Migration(migrations.Migration):

    dependencies = [
        ('safeguarding', '0007_triage'),
    ]

    operations = [
        migrations.CreateModel(
            name='WorkerHeartbeat',
            fields=[
                ('worker_id', models.CharField(max_length=64, primary_key=True, serialize=False)),
                ('hostname', models.CharField(blank=True, max_length=255)),
                ('pid', models.PositiveIntegerField(null=True)),
                ('started_at', models.DateTimeField()),
                ('seen_at', models.DateTimeField(db_index=True)),
            ],
            options={
                'verbose_name': 'task worker heartbeat',
                'verbose_name_plural': 'task worker heartbeats',
            },
        ),
        migrations.RunPython(add_truncate_triggers, remove_truncate_triggers),
    ]
