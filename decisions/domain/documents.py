"""The decision's PDF: rendered once by a Celery task (PDF/A-3b, fonts embedded), signed
electronically (PAdES, portal/signing.py), stored on the private storage with its SHA-256 (that
of the signed file), then announced to the editor by e-mail (the `decision_ready` event of
decisions/domain/notifications.py, through the outbox).
The rendering is a durable job (`portal.jobs.FileJob`): `DECISION_PDF`."""

from django.utils import timezone, translation

from portal.jobs import FileJob, JobAttemptFailed, JobFields
from portal.notifications.messenger import notify
from portal.pdf import render_pdf, sha256_hex
from portal.signing import sign_pdf

from ..enums import DecisionKind
from ..models import Decision, PdfStatus

#: Attempts before a decision's document is marked failed (the task retries with backoff).
MAX_ATTEMPTS = 6
TEMPLATE = "decisions/decision.html"
#: The document of each kind of decision (all on templates/decisions/_measure_base.html or
#: TEMPLATE, both on templates/pdf/base.html).
TEMPLATES = {
    DecisionKind.REFERENCING: TEMPLATE,
    DecisionKind.SUSPENSION: "decisions/suspension.html",
    DecisionKind.REINSTATEMENT: "decisions/reinstatement.html",
    DecisionKind.DEREFERENCING: "decisions/dereferencing.html",
}
#: The signature field of the ministry on every decision.
SIGNATURE_FIELD = "Signature-ministere"


class DecisionRenderError(JobAttemptFailed):
    """Rendering or storing the PDF failed; the attempt is recorded, Celery retries."""


def decision_pdf(decision: Decision) -> bytes:
    """The document of `decision`, in French whatever the language of the caller, signed
    (PAdES, `portal.signing`) in the field SIGNATURE_FIELD on behalf of its signatory.
    Without a signing key the attempt fails (SigningNotConfigured) and is retried."""
    context = {
        "decision": decision,
        "corrected": decision.corrects,
        "suspension": decision.suspension,
    }
    with translation.override("fr"):
        content = render_pdf(TEMPLATES[decision.kind], context)
    return sign_pdf(
        content,
        field_name=SIGNATURE_FIELD,
        signer_name=decision.signatory_name,
        reason=f"Décision n° {decision.number} du ministère chargé de la santé",
    )


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
    notify("decision_ready", dossier=decision.dossier, decision=decision)
