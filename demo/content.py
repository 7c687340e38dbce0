"""What the demo services say about themselves, and complete questionnaires for demo dossiers."""

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from applications.domain.applicability import applicable_requirements
from applications.enums import AnswerStatus, PriceModel, Purpose, Region, Theme
from applications.models import Answer, Document, Evidence, Orientation
from applications.referential.loader import load_referential
from reviews.domain.evaluation import evaluation_sign, verdict_save

REFERENTIAL_DIR = Path(settings.BASE_DIR) / "referential"

#: A small, valid one-page PDF (hand-written: no renderer needed to seed the demo).
DEMO_PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R"
    b"/Resources<</Font<</F1 5 0 R>>>>>>endobj\n"
    b"4 0 obj<</Length 66>>stream\n"
    b"BT /F1 18 Tf 72 770 Td (Piece justificative de demonstration) Tj ET\n"
    b"endstream endobj\n"
    b"5 0 obj<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def load_demo_referentials() -> None:
    """Load the referential versions shipped in `referential/`, oldest first (idempotent)."""
    for path in sorted(REFERENTIAL_DIR.glob("*.yaml")):
        load_referential(path)


def demo_service_fields(index: int, name: str) -> dict:
    exchange = index % 3 == 0
    return {
        "short_description": (
            f"{name} accompagne les usagers au quotidien dans le suivi de leur santé."
        ),
        "long_description": (
            f"{name} est un service numérique de démonstration. Il aide les usagers à suivre "
            "leurs indicateurs, à préparer leurs consultations et à partager les informations "
            "utiles avec les professionnels qui les suivent."
        ),
        "web_url": f"https://www.{name.lower().replace(' ', '')}.example.fr/".encode(
            "ascii", "ignore"
        ).decode(),
        "ios_url": "https://apps.apple.com/fr/app/demo/id0000000" if index % 2 else "",
        "android_url": "https://play.google.com/store/apps/details?id=fr.demo" if index % 2 else "",
        "price_model": [PriceModel.FREE, PriceModel.FREEMIUM, PriceModel.SUBSCRIPTION][index % 3],
        "themes": [Theme.values[index % len(Theme.values)], Theme.PREVENTION],
        "regions": [Region.ALL] if index % 4 else [Region.IDF, Region.ARA],
        "has_connected_devices": index % 4 == 1,
        "connected_devices": "Tensiomètre connecté" if index % 4 == 1 else "",
        "requests_data_exchange": exchange,
        "mes_apis": ["measures", "documents"] if exchange else [],
    }


def demo_orientation(service, index: int, actor) -> Orientation:
    orientation, _created = Orientation.objects.update_or_create(
        service=service,
        defaults={
            "targets_users": True,
            "purposes": [Purpose.PREVENTION, Purpose.CARE],
            "uses_ai": index % 5 == 2,
            "stores_health_data": True,
            "has_professional_users": index % 3 == 1,
            "publishes_health_content": index % 2 == 0,
            "updated_by": actor,
        },
    )
    return orientation


@transaction.atomic
def demo_fill_questionnaire(dossier, actor, *, complete: bool = True) -> None:
    """Answer the dossier's applicable requirements « Conforme », with a PDF where proof is
    expected; a draft (`complete=False`) gets only its first third answered."""
    requirements = applicable_requirements(dossier)
    if not complete:
        requirements = requirements[: len(requirements) // 3]
    Answer.objects.bulk_create(
        Answer(
            dossier=dossier,
            requirement=requirement,
            status=AnswerStatus.COMPLIANT,
            free_text="Voir la pièce jointe." if requirement.evidence_required else "",
            version=1,
            updated_by=actor,
        )
        for requirement in requirements
    )
    # One document in the dossier's library, the evidence of every requirement that asks for one.
    proof = Document(
        dossier=dossier,
        name="dossier-de-preuves.pdf",
        kind="pdf",
        content_type="application/pdf",
        size=len(DEMO_PDF),
        sha256=hashlib.sha256(DEMO_PDF).hexdigest(),
        uploaded_by=actor,
    )
    proof.file.save("dossier-de-preuves.pdf", ContentFile(DEMO_PDF), save=True)
    Evidence.objects.bulk_create(
        Evidence(dossier=dossier, document=proof, requirement=requirement, attached_by=actor)
        for requirement in requirements
        if requirement.evidence_required
    )


def demo_evaluate(dossier, experts: dict):
    """Each domain's expert judges every requirement (a few partially met) and signs."""
    for index, requirement in enumerate(applicable_requirements(dossier)):
        partial = index % 17 == 5 and not requirement.blocking
        verdict_save(
            dossier=dossier,
            requirement=requirement,
            actor=experts[requirement.domain],
            verdict="partial" if partial else "compliant",
            comment="La preuve fournie ne couvre qu'une partie du périmètre." if partial else "",
        )
    domains = {r.domain for r in applicable_requirements(dossier)}
    for domain in sorted(domains):
        evaluation_sign(
            dossier=dossier,
            domain=domain,
            actor=experts[domain],
            conclusion="favorable",
            synthesis="Les preuves sont complètes et cohérentes ; quelques points mineurs.",
        )
    return dossier
