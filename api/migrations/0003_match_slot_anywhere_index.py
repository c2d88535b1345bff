"""A partial index for the "any district" rows of the matching index.

``district_id IS NULL`` is not an equality to the planners, so the composite index
cannot hand those rows over in quality order; this index can.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0002_reverse_link_indexes")]

    operations = [
        ops.RunSQL(
            "CREATE INDEX idx_match_slot_anywhere"
            " ON match_slot (service_class, quality, organization_id)"
            " WHERE district_id IS NULL",
            reverse_sql="DROP INDEX idx_match_slot_anywhere",
        ),
    ]
