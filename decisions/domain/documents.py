"""The decision's PDF: rendered once by a Celery task (PDF/A-3b, fonts embedded), stored on the
private storage with its SHA-256, then announced to the editor by e-mail (through the outbox).
The rendering is a durable job (`portal.jobs.FileJob`): `DECISION_PDF`."""

from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from portal.jobs import FileJob, JobAttemptFailed, JobFields
from portal.notifications.services import outbox_enqueue_many
from portal.pdf import render_pdf, sha256_hex

from ..models import Decision, PdfStatus

#: Attempts before a decision's document is marked failed (the task retries with backoff).
MAX_ATTEMPTS = 6
TEMPLATE = "decisions/decision.html"


class DecisionRenderError(JobAttemptFailed):
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


def decision_pdf_name(decision: Decision) -> str:
    """Where the document is stored: the same name at every attempt (`portal.jobs`)."""
    return decision.pdf.field.generate_filename(decision, decision.pdf_filename)


def decision_attach(decision: Decision, name: str, content: bytes) -> bool:
    """Record the stored document on the locked decision, then tell the editor."""
    attached = Decision.objects.attach_pdf(
        pk=decision.pk, name=name, sha256=sha256_hex(content), generated_at=timezone.now()
    )
    if attached:
        decision.refresh_from_db()
        decision_notify_ready(decision)
    return attached


#: The decision's PDF as a durable job: see `portal.jobs` for attempts, locking and the sweep.
DECISION_PDF = FileJob(
    label="Décision",
    model=Decision,
    task_name="decisions.tasks.decision_render_pdf_task",
    render=decision_pdf,
    file_name=decision_pdf_name,
    attach=decision_attach,
    pending=PdfStatus.PENDING,
    failed=PdfStatus.FAILED,
    max_attempts=MAX_ATTEMPTS,
    fields=JobFields(
        status="pdf_status",
        attempts="pdf_attempts",
        last_error="pdf_last_error",
        started_at="pdf_started_at",
        created_at="decided_at",
        file="pdf",
    ),
    error=DecisionRenderError,
)


def decision_render(*, decision_id: int) -> Decision | None:
    """Produce the PDF of a decision once; None when it is gone or already has its document.

    The row stays locked while rendering, so two workers never render it twice; the file has
    one name whatever the attempt; the PDF is attached only where none is (`attach_pdf`). A
    failure is recorded (and committed) before `DecisionRenderError` tells Celery to retry;
    after MAX_ATTEMPTS the document is marked failed."""
    return DECISION_PDF.run(decision_id)


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
