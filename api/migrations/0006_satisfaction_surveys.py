"""Residents' satisfaction surveys: survey windows, their answers, and the fair's survey
settings (questions, answers needed before figures are shown)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from api.surveys.models import CommentStatus
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0004_login_throttle_idempotency')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SatisfactionSurvey',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('project', fields.ForeignKeyField('models.Project', source_field='project_id', db_constraint=True, to_field='id', related_name='surveys', on_delete=OnDelete.RESTRICT)),
                ('code', fields.CharField(unique=True, max_length=16)),
                ('opens_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('closes_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('questions', fields.JSONField(default=list, encoder=JSON_DUMPS, decoder=loads)),
                ('min_answers', fields.SmallIntField()),
                ('opened_by', fields.ForeignKeyField('models.Account', source_field='opened_by_id', null=True, db_constraint=True, to_field='id', related_name='surveys_opened', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'satisfaction_survey', 'app': 'models', 'indexes': [Index(fields=['project_id', 'closes_at'])], 'pk_attr': 'id', 'table_description': 'One window during which residents may rate a project in delivery.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SurveyAnswer',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('survey', fields.ForeignKeyField('models.SatisfactionSurvey', source_field='survey_id', db_constraint=True, to_field='id', related_name='answers', on_delete=OnDelete.CASCADE)),
                ('device_hash', fields.CharField(max_length=64)),
                ('phone_hash', fields.CharField(null=True, max_length=64)),
                ('overall', fields.SmallIntField()),
                ('marks', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('comment', fields.TextField(null=True, unique=False)),
                ('comment_status', fields.CharEnumField(null=True, description='PENDING: PENDING\nAPPROVED: APPROVED\nREJECTED: REJECTED', enum_type=CommentStatus, max_length=8)),
                ('moderated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('submitted_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'survey_answer', 'app': 'models', 'unique_together': (('survey', 'device_hash'), ('survey', 'phone_hash')), 'pk_attr': 'id', 'table_description': "One resident's answer: the overall mark, a mark per question, maybe a comment."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Fair',
            name='survey_min_answers',
            field=fields.SmallIntField(default=10, db_default=10),
        ),
        ops.AddField(
            model_name='Fair',
            name='survey_questions',
            field=fields.JSONField(null=True, encoder=JSON_DUMPS, decoder=loads),
        ),
    ]
