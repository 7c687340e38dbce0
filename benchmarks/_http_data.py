"""The Django side of the real-server benchmark (`benchmarks.http`), run as subprocesses with the
server's environment (production settings, the benchmark's own PostgreSQL database):

    python -m benchmarks._http_data prepare [collectstatic]   # migrate (and collect)
    python -m benchmarks._http_data seed SIZE [questionnaire]
                                    # grow the dossiers to SIZE (the first time: the people,
                                    # and the questionnaire benchmark's dossier if asked)
    python -m benchmarks._http_data decide COUNT     # COUNT decisions, wait for their PDFs

Each prints one JSON object on its last line of stdout. The data are those of the in-process
benchmarks (`queues.Population`, `questionnaire.build_dossier`, `decisions.build_dossiers`), so
the figures of both kinds describe the same pages on the same rows.
"""

import json
import sys
import time
from collections import Counter

import django

#: The questionnaire's editor and organisation are renamed so that `queues.Population`, which
#: uses the same e-mail address and SIREN, can be built next to them.
QUESTIONNAIRE_EDITOR = "editeur-questionnaire@bench.test"
QUESTIONNAIRE_SIREN = "552081317"
PASSWORD = "mot-de-passe-du-benchmark"  # noqa: S105 (throwaway accounts of a throwaway database)
PDF_TIMEOUT_S = 1800


class _Log:
    def log(self, message: str) -> None:
        print(message, file=sys.stderr, flush=True)


def prepare(collect: bool) -> dict:
    """Migrate, and collect the static files with their hashed names (the manifest production
    reads), without WhiteNoise's compressed copies: pages only need the names."""
    from django.conf import settings
    from django.core.management import call_command
    from django.test.utils import override_settings

    start = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    migrated = time.perf_counter() - start
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    if collect:
        with override_settings(STORAGES=storages):
            call_command("collectstatic", interactive=False, verbosity=0)
    return {"migrate_s": migrated, "total_s": time.perf_counter() - start}


def _questionnaire_dossier():
    from allauth.account.models import EmailAddress

    from portal.accounts.models import User
    from portal.organisations.models import Organisation

    from .questionnaire import build_dossier

    editor, dossier = build_dossier(_Log())
    EmailAddress.objects.filter(user=editor).update(email=QUESTIONNAIRE_EDITOR)
    User.objects.filter(pk=editor.pk).update(email=QUESTIONNAIRE_EDITOR)
    Organisation.objects.filter(pk=dossier.service.organisation_id).update(
        siren=QUESTIONNAIRE_SIREN
    )
    return dossier


def _population(with_questionnaire: bool):
    """`queues.Population`, built the first time, found again in the database afterwards."""
    from applications.models import Dossier, Service
    from portal.accounts.models import User

    from .queues import Population, referential_version

    if not User.objects.filter(email="instructeur@bench.test").exists():
        if with_questionnaire:
            _questionnaire_dossier()
        return Population()
    population = Population.__new__(Population)
    population.version = referential_version()
    population.editor = User.objects.get(email="editeur@bench.test")
    population.instructor = User.objects.get(email="instructeur@bench.test")
    population.expert = User.objects.get(email="expert@bench.test")
    population.services = list(
        Service.objects.filter(name__startswith="Service n° ").order_by("pk")
    )
    population.count = Dossier.objects.filter(reference__startswith="B-").count()
    return population


def seed(size: int, with_questionnaire: bool) -> dict:
    from django.db import connection
    from django.urls import reverse

    from applications.domain.applicability import applicable_requirements
    from applications.models import Dossier

    from . import _fhir_http
    from .queues import TOTP_SECRET

    start = time.perf_counter()
    population = _population(with_questionnaire)
    before = population.count
    population.grow_to(size)
    grown = time.perf_counter() - start
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum would do soon after such a load
    first = Dossier.objects.get(reference="B-0000000")
    urls = {
        "dossier_detail": reverse("applications:dossier-detail", args=[first.pk]),
        "instructor_queue": reverse("reviews:instructor-queue") + "?etat=submitted",
        "expert_queue": reverse("reviews:expert-queue"),
    }
    fhir = _fhir_http.fhir_seed(population.editor)  # the sandbox's measures endpoint
    urls[_fhir_http.PAGE] = fhir["url"]
    questionnaire = Dossier.objects.filter(service__organisation__siren=QUESTIONNAIRE_SIREN).first()
    if questionnaire:
        requirements = applicable_requirements(questionnaire)
        domain, _ = Counter(r.domain for r in requirements).most_common(1)[0]
        urls["questionnaire"] = reverse(
            "applications:questionnaire-domain", args=[questionnaire.pk, domain]
        )
    return {
        "dossiers": population.count,
        "added": population.count - before,
        "seed_s": grown,
        "total_s": time.perf_counter() - start,
        "urls": urls,
        "reference": first.reference,
        "people": {
            "instructor": {"email": "instructeur@bench.test", "totp": TOTP_SECRET},
            "expert": {"email": "expert@bench.test", "totp": TOTP_SECRET},
            "editor": {"email": "editeur@bench.test", "totp": None},
            "questionnaire_editor": {"email": QUESTIONNAIRE_EDITOR, "totp": None},
        },
        "password": PASSWORD,
        "fhir": fhir,
    }


def decide(count: int) -> dict:
    """`count` ministry decisions taken one after another, each queuing its PDF on commit for the
    Celery worker that the benchmark runs; returns once every PDF is attached (or on timeout)."""
    from django.conf import settings

    from applications.referential.loader import load_referential
    from decisions.models import Decision, PdfStatus

    from .decisions import build_dossiers, build_people, decide

    for code in ("2022", "2023"):
        version = load_referential(settings.BASE_DIR / "referential" / f"{code}.yaml").version
    ministry, organisation = build_people()
    dossiers = build_dossiers(count, organisation, version)
    start = time.perf_counter()
    for dossier in dossiers:
        decide(dossier, ministry)
    decided = time.perf_counter() - start
    ready = Decision.objects.filter(pdf_status=PdfStatus.READY)
    deadline = time.monotonic() + PDF_TIMEOUT_S
    while ready.count() < count and time.monotonic() < deadline:
        time.sleep(0.2)
    return {"ready": ready.count(), "decide_s": decided, "total_s": time.perf_counter() - start}


def main(argv: list[str]) -> int:
    django.setup()
    step, *args = argv
    if step == "prepare":
        result = prepare(collect="collectstatic" in args)
    elif step == "seed":
        result = seed(int(args[0]), with_questionnaire="questionnaire" in args[1:])
    elif step == "decide":
        result = decide(int(args[0]))
    else:
        print(f"étape inconnue : {step}", file=sys.stderr)
        return 2
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
