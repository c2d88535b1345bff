"""Throttled failed logins per account and client, and the first answers of requests sent
with an Idempotency-Key (both shared by every worker, hence in the database)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
import functools
from json import dumps, loads

class Migration(migrations.Migration):
    dependencies = [('models', '0003_match_slot_anywhere_index')]

    initial = False

    operations = [
        ops.CreateModel(
            name='IdempotentResponse',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('scope', fields.CharField(unique=True, max_length=64)),
                ('body_hash', fields.CharField(max_length=64)),
                ('status', fields.IntField()),
                ('headers', fields.JSONField(encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('body', fields.BinaryField()),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'idempotent_response', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Stored in the transaction of the request it answers: it exists exactly when that'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LoginThrottle',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=96)),
                ('failed_logins', fields.IntField(default=0)),
                ('locked_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'login_throttle', 'app': 'models', 'pk_attr': 'id', 'table_description': 'Failed logins counted for one account from one client (``account_id|ip``), or from'},
            bases=['Model'],
        ),
    ]
