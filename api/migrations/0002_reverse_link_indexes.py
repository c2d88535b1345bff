"""Indexes on the district side of the many-to-many link tables.

Tortoise indexes a link table only in its forward direction; the API filters
organizations and supervisors by district, which needs the reverse one.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("models", "0001_initial")]

    operations = [
        ops.RunSQL(
            [
                "CREATE INDEX idx_organization_district_district"
                " ON organization_district (district_id, organization_id)",
                "CREATE INDEX idx_supervisor_district_district"
                " ON supervisor_district (district_id, supervisor_id)",
            ],
            reverse_sql=[
                "DROP INDEX idx_organization_district_district",
                "DROP INDEX idx_supervisor_district_district",
            ],
        ),
    ]
