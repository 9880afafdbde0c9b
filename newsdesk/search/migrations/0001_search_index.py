"""The search index: FTS5 tables and triggers on SQLite, GIN expression indexes on PostgreSQL."""

from django.db import migrations

# The expressions must match, character for character, what the search
# selector's SearchVector compiles to, or PostgreSQL will not use them.
PG_STORY_INDEX = (
    "CREATE INDEX IF NOT EXISTS search_story_document ON newsroom_story USING gin (("
    "setweight(to_tsvector('english'::regconfig, COALESCE(\"headline\", '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(\"standfirst\", '')), 'B') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(\"body\", '')), 'C')))"
)
PG_ENTRY_INDEX = (
    "CREATE INDEX IF NOT EXISTS search_entry_document ON newsroom_entry USING gin (("
    "setweight(to_tsvector('english'::regconfig, COALESCE(\"title\", '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, COALESCE(\"body\", '')), 'C')))"
)


def install(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        from newsdesk.search.services import search_index_install

        search_index_install(using=connection.alias)
    elif connection.vendor == "postgresql":
        schema_editor.execute(PG_STORY_INDEX)
        schema_editor.execute(PG_ENTRY_INDEX)


def uninstall(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        from newsdesk.search.services import search_index_uninstall

        search_index_uninstall(using=connection.alias)
    elif connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS search_story_document")
        schema_editor.execute("DROP INDEX IF EXISTS search_entry_document")


class Migration(migrations.Migration):
    dependencies = [("newsroom", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
