"""The decision's PDF: rendered once by a Celery task (PDF/A-3b, fonts embedded), stored on the
private storage with its SHA-256, then announced to the editor by e-mail (through the outbox)."""

import logging
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from portal.notifications.services import outbox_enqueue_many
from portal.pdf import render_pdf, sha256_hex

from ..models import Decision, PdfStatus

logger = logging.getLogger(__name__)

#: Attempts before a decision's document is marked failed (the task retries with backoff).
MAX_ATTEMPTS = 6
TEMPLATE = "decisions/decision.html"


class DecisionRenderError(Exception):
    """Rendering or storing the PDF failed; the attempt is recorded, Celery retries."""


@cache
def pdf_fonts() -> dict[str, str]:
    """file:// URLs of Marianne, the State's typeface, as shipped with django-dsfr (this portal
    and its decisions are the State's). Missing files fall back on the system's DejaVu Sans;
    either way WeasyPrint embeds the fonts it uses."""
    fonts = {}
    for weight, name in (("regular", "Marianne-Regular"), ("bold", "Marianne-Bold")):
        path = finders.find(f"dsfr/dist/fonts/{name}.woff2")
        if path:
            fonts[weight] = Path(path).as_uri()
    return fonts


def decision_pdf(decision: Decision) -> bytes:
    """The document of `decision`, in French whatever the language of the caller."""
    context = {"decision": decision, "corrected": decision.corrects, "fonts": pdf_fonts()}
    with translation.override("fr"):
        return render_pdf(TEMPLATE, context)


def decision_render(*, decision_id: int) -> Decision | None:
    """Produce the PDF of a decision once; None when it is gone or already has its document.

    The row stays locked while rendering, so two workers never render it twice; the PDF is
    attached only where none is (`attach_pdf`), which keeps "once" true even on SQLite, where
    rows cannot be locked. A failure is recorded (and committed) before `DecisionRenderError`
    tells Celery to retry; after MAX_ATTEMPTS the document is marked failed."""
    error = None
    with transaction.atomic():
        decision = Decision.objects.select_for_update().filter(pk=decision_id).first()
        if decision is None or decision.pdf:
            return None
        attempts = decision.pdf_attempts + 1
        name = ""
        try:
            content = decision_pdf(decision)
            field = decision.pdf.field
            name = field.storage.save(
                field.generate_filename(decision, decision.pdf_filename), ContentFile(content)
            )
        except Exception as exc:  # any rendering or storage failure is recorded, then retried
            error = f"{type(exc).__name__}: {exc}"[:2000]
            logger.warning("Décision %s : échec de la génération du document.", decision_id)
            Decision.objects.filter(pk=decision.pk).update(
                pdf_attempts=attempts,
                pdf_last_error=error,
                pdf_status=PdfStatus.FAILED if attempts >= MAX_ATTEMPTS else PdfStatus.PENDING,
            )
        else:
            try:
                Decision.objects.filter(pk=decision.pk).update(pdf_attempts=attempts)
                attached = Decision.objects.attach_pdf(
                    pk=decision.pk,
                    name=name,
                    sha256=sha256_hex(content),
                    generated_at=timezone.now(),
                )
                if attached:
                    decision.refresh_from_db()
                    decision_notify_ready(decision)
            except BaseException:
                field.storage.delete(name)
                raise
            if not attached:  # another worker attached its own meanwhile
                field.storage.delete(name)
                return None
    if error is not None:
        raise DecisionRenderError(error)
    return decision


def decision_notify_ready(decision: Decision) -> None:
    """Tell the members of the editor's organisation that the document can be downloaded."""
    dossier = decision.dossier
    recipients = (
        get_user_model()
        .objects.filter(
            is_active=True, memberships__organisation_id=dossier.service.organisation_id
        )
        .values_list("email", flat=True)
    )
    context = {
        "decision": decision,
        "link": settings.PORTAL_BASE_URL.rstrip("/")
        + reverse("applications:dossier-detail", args=[dossier.pk]),
    }
    with translation.override("fr"):
        subject = render_to_string("decisions/email/pdf_ready_subject.txt", context).strip()
        body = render_to_string("decisions/email/pdf_ready_body.txt", context)
    outbox_enqueue_many(recipients=list(recipients), subject=subject, body=body)
