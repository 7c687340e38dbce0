"""Run in a fresh process on an empty SQLite file by test_audit_sqlite.py (SQLite is what bin/run
uses): the real migrations install the triggers there too, the real services still append, and
every rewrite of the log is refused. Prints one JSON line of what happened."""

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import CommandError, call_command  # noqa: E402
from django.db import IntegrityError, connection, models, transaction  # noqa: E402

settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
call_command("migrate", verbosity=0)

from applications.domain.audit import verify_audit_chains  # noqa: E402
from applications.enums import DossierState  # noqa: E402
from applications.models import TransitionLog, audit_triggers  # noqa: E402
from tests.factories.dossiers import dossier_in_state  # noqa: E402

dossier, _cast = dossier_in_state(DossierState.INCOMPLETE)
log = audit_triggers.LOG_TABLE
result = {"vendor": connection.vendor, "missing": audit_triggers.missing(connection)}
attempts = {
    "raw_update": lambda c: c.execute(
        f"UPDATE {log} SET comment = 'x' WHERE dossier_id = %s", [dossier.pk]
    ),
    "raw_delete": lambda c: c.execute(f"DELETE FROM {log} WHERE dossier_id = %s", [dossier.pk]),
    "plain_queryset_update": lambda c: models.QuerySet(model=TransitionLog).update(comment="x"),
}
for name, attempt in attempts.items():
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            attempt(cursor)
        result[name] = "accepted"
    except IntegrityError as exc:
        result[name] = str(exc)
try:
    call_command("flush", interactive=False, verbosity=0)
    result["flush"] = "accepted"
except CommandError:
    result["flush"] = "refused"
result["rows"] = TransitionLog.objects.filter(dossier=dossier).count()
report = verify_audit_chains()
result["verify"] = report.broken or report.protection or "ok"
print(json.dumps(result))
