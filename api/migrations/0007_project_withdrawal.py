"""Withdrawing a project: when and why, and the notice on each bid it released."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

class Migration(migrations.Migration):
    dependencies = [('models', '0006_satisfaction_surveys')]

    operations = [
        ops.AddField(
            model_name='Bid',
            name='release_notice',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='Project',
            name='withdrawal_reason',
            field=fields.TextField(null=True, unique=False),
        ),
        ops.AddField(
            model_name='Project',
            name='withdrawn_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
    ]
