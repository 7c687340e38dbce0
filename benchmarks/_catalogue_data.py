"""The data of the catalogue benchmark (`benchmarks.catalogue`), run as a subprocess with the
server's environment:

    python -m benchmarks._catalogue_data seed PUBLISHED OTHERS

PUBLISHED services listed in the catalogue (services, published dossiers, their decisions and
approved cards by bulk_create; each listing then written by the publication code itself,
`catalogue.domain.publication._write_card`: facets, search text, French vector), and OTHERS
dossiers in other states (`queues.Population`). Prints one JSON object on its last line.
"""

import json
import sys
import time

import django

THEMES = ["sleep", "chronic", "mental", "nutrition", "activity", "prevention", "telehealth"]
REGIONS = ["FR", "BRE", "IDF", "ARA", "OCC", "HDF", "GUA"]
WORDS = ["sommeil", "diabète", "tension", "grossesse", "nutrition", "stress", "vaccination"]
BATCH = 500


def seed(published: int, others: int) -> dict:
    from django.db import connection
    from django.utils import timezone

    from applications.models import Dossier, Service
    from catalogue.domain import publication
    from catalogue.models import Card, Listing
    from decisions.models import Decision

    from .queues import Population

    start = time.perf_counter()
    population = Population()
    population.grow_to(others)
    grown = time.perf_counter() - start
    organisation = population.services[0].organisation
    now = timezone.now()
    year = timezone.localdate().year
    for offset in range(0, published, BATCH):
        numbers = range(offset, min(published, offset + BATCH))
        services = Service.objects.bulk_create(
            Service(
                organisation=organisation,
                name=f"Appli {WORDS[n % len(WORDS)].capitalize()} {n}",
                short_description="Un service publié.",
            )
            for n in numbers
        )
        dossiers = Dossier.objects.bulk_create(
            Dossier(
                service=service,
                reference=f"P-{n:07d}",
                state="published",
                referential_version=population.version,
                created_by=population.editor,
                submitted_at=now,
                state_changed_at=now,
                convention_signed_at=now,
            )
            for n, service in zip(numbers, services, strict=True)
        )
        decisions = Decision.objects.bulk_create(
            Decision(
                dossier=dossier,
                number=f"REF-{year}-{n + 1:05d}",
                year=year,
                sequence=n + 1,
                outcome="referenced",
                dossier_reference=dossier.reference,
                referential_version_code=population.version.code,
                service_name=dossier.service.name,
                organisation_name=organisation.name,
                organisation_siren=organisation.siren,
                signatory_name="Ministère",
                signatory_title="Directeur",
                decided_at=now,
                decided_by=population.instructor,
            )
            for n, dossier in zip(numbers, dossiers, strict=True)
        )
        cards = Card.objects.bulk_create(
            Card(
                service=service,
                version=1,
                state="approved",
                name=service.name,
                editor_public_name=organisation.name,
                short_description=f"Pour mieux vivre avec {WORDS[n % len(WORDS)]}.",
                long_description=f"Un service de {WORDS[(n + 3) % len(WORDS)]} parmi d'autres.",
                themes=[THEMES[n % len(THEMES)]],
                regions=[REGIONS[n % len(REGIONS)]],
                platforms=[{"platform": "web", "url": "https://service.example/"}],
                price_model="free" if n % 2 else "paid",
                accessibility="partial",
                accessibility_url="https://service.example/a11y",
                data_exchange=["measures"] if n % 5 == 0 else [],
                created_by=population.editor,
            )
            for n, service in zip(numbers, services, strict=True)
        )
        for n, dossier, decision, card in zip(numbers, dossiers, decisions, cards, strict=True):
            listing = Listing(
                service_id=dossier.service_id,
                dossier=dossier,
                decision=decision,
                slug=f"appli-{n}",
                listed=True,
                referenced_on=timezone.localdate(now),
                referential_version=population.version.code,
                renewal_due=publication.renewal_due(dossier),
                first_published_at=now,
                updated_at=now,
            )
            publication._write_card(listing, card)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "published": Listing.objects.filter(listed=True).count(),
        "dossiers": Dossier.objects.count(),
        "others_s": grown,
        "seed_s": time.perf_counter() - start,
        "detail": "/catalogue/services/appli-7/",
    }


def main(argv: list[str]) -> int:
    django.setup()
    step, *args = argv
    if step != "seed":
        print(f"étape inconnue : {step}", file=sys.stderr)
        return 2
    print(json.dumps(seed(int(args[0]), int(args[1]))), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
