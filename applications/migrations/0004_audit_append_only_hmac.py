"""The transition log becomes tamper-evident and append-only at the database level.

1. Base managers of the append-only models refuse update/delete too (`base_manager_name`).
2. Existing rows are re-chained with HMAC-SHA256 under AUDIT_HMAC_KEY. Each dossier's old,
   unkeyed SHA-256 chain is verified first: if one is already broken the migration stops and names
   it, rather than seal a tampered row under the key (investigate, restore, then migrate).
3. Triggers refuse every UPDATE and DELETE on the log (PostgreSQL or SQLite).

The payload functions below are frozen copies: the model's may evolve, this migration must not.
"""

import hashlib
import hmac
import json
from datetime import UTC

from django.conf import settings
from django.db import migrations

from applications.models import audit_triggers


def _payload(row, prev_hash) -> bytes:
    return json.dumps(
        {
            "dossier": row.dossier_id,
            "seq": row.seq,
            "transition": row.transition,
            "from": row.from_state,
            "to": row.to_state,
            "actor": row.actor_id,
            "comment": row.comment,
            "at": row.created_at.astimezone(UTC).isoformat(),
            "prev": prev_hash,
        },
        sort_keys=True,
        ensure_ascii=False,
    ).encode()


def _sha256(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


def _hmac(payload: bytes) -> str:
    return hmac.new(settings.AUDIT_HMAC_KEY.encode(), payload, hashlib.sha256).hexdigest()


def _rechain(apps, schema_editor, *, old, new):
    TransitionLog = apps.get_model("applications", "TransitionLog")
    rows = list(
        TransitionLog.objects.using(schema_editor.connection.alias).order_by("dossier_id", "seq")
    )
    previous = None
    for row in rows:
        first = previous is None or previous.dossier_id != row.dossier_id
        expected_seq = 1 if first else previous.seq + 1
        old_prev = "" if first else previous.old_hash
        if row.seq != expected_seq or row.prev_hash != old_prev or old(_payload(row, old_prev)) != row.hash:
            raise RuntimeError(
                f"Journal des transitions déjà altéré (dossier n° {row.dossier_id}, rang {row.seq}) : "
                "migration arrêtée pour ne pas sceller une entrée falsifiée. Lancez verify_audit "
                "avec la version précédente, restaurez le journal, puis relancez la migration."
            )
        row.old_hash = row.hash
        row.prev_hash = "" if first else previous.hash
        row.hash = new(_payload(row, row.prev_hash))
        previous = row
    TransitionLog.objects.using(schema_editor.connection.alias).bulk_update(
        rows, ["prev_hash", "hash"], batch_size=500
    )


def rechain_with_hmac(apps, schema_editor):
    _rechain(apps, schema_editor, old=_sha256, new=_hmac)


def rechain_with_sha256(apps, schema_editor):
    _rechain(apps, schema_editor, old=_hmac, new=_sha256)


def install_triggers(apps, schema_editor):
    audit_triggers.install(schema_editor)


def remove_triggers(apps, schema_editor):
    audit_triggers.remove(schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ('applications', '0003_dossier_state_changed_at_and_more'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='revision',
            options={'base_manager_name': 'objects', 'ordering': ['dossier', 'number'], 'verbose_name': 'révision', 'verbose_name_plural': 'révisions'},
        ),
        migrations.AlterModelOptions(
            name='revisionanswer',
            options={'base_manager_name': 'objects'},
        ),
        migrations.AlterModelOptions(
            name='transitionlog',
            options={'base_manager_name': 'objects', 'ordering': ['dossier', 'seq'], 'verbose_name': 'entrée du journal', 'verbose_name_plural': 'journal des transitions'},
        ),
        migrations.RunPython(rechain_with_hmac, rechain_with_sha256, elidable=False),
        migrations.RunPython(install_triggers, remove_triggers, elidable=False),
    ]
