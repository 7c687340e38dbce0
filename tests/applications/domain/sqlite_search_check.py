"""Run in a fresh process on an empty SQLite file by test_dossier_search_sqlite.py (SQLite is what
bin/run uses): the search's fallback — names folded by `portal_fold`, references with LIKE — on
the real migrations. Prints one JSON line: per query, the services found."""

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
call_command("migrate", verbosity=0)

from applications.domain.dossier_search import dossier_match  # noqa: E402
from applications.models import Dossier  # noqa: E402
from reviews.models import Assignment  # noqa: E402
from tests.factories import OrganisationFactory, ServiceFactory, expert, staff_user  # noqa: E402

instructor = staff_user("instructor")
for service, organisation, reference in (
    ("DiabèteFacile", "Santé Connectée SAS", "D-2026-K7M3QZ"),
    ("Sommeil Réparateur", "Bien-Être Numérique SARL", "D-2026-AB12CD"),
    ("TensioNote", "Cardiologie Numérique", "D-2025-ZZ99XY"),
):
    Dossier.objects.create(
        service=ServiceFactory(organisation=OrganisationFactory(name=organisation), name=service),
        reference=reference,
        state="submitted",
        created_by=instructor,
        state_changed_at=timezone.now(),
    )
person = expert("ethics")
for dossier in Dossier.objects.all():
    Assignment.objects.create(dossier=dossier, expert=person, domain="ethics")

QUERIES = [
    "diabete",
    "DIABÈTE",
    "santé connectée",
    "numerique",
    "reparateur",
    "k7m3",
    "2026-ab1",
    "sommeil cardiologie",
    "",
    "glycémie",
]
result = {"vendor": connection.vendor, "found": {}, "assignments": {}}
for text in QUERIES:
    matched = Dossier.objects.filter(dossier_match(text)).order_by("service__name")
    result["found"][text] = list(matched.values_list("service__name", flat=True))
for text in ("sante", "k7m3"):
    matched = Assignment.objects.filter(dossier_match(text, prefix="dossier__"))
    result["assignments"][text] = list(matched.values_list("dossier__service__name", flat=True))
print(json.dumps(result))
