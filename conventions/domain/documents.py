"""The convention's unsigned PDF: rendered once by a Celery task (PDF/A-3b from the shared base
templates/pdf/base.html), stored on the private storage with its SHA-256, then announced to the
editor's organisation (the `convention_ready` event: the convention awaits its signature).
The rendering is a durable job (`portal.jobs.FileJob`): `CONVENTION_PDF`."""

from django.utils import timezone, translation

from portal.jobs import FileJob, JobAttemptFailed, JobFields
from portal.notifications.messenger import notify
from portal.pdf import render_pdf, sha256_hex

from ..enums import PdfStatus
from ..models import Convention

#: Attempts before a convention's document is marked failed (the task retries with backoff).
MAX_ATTEMPTS = 6
TEMPLATE = "conventions/convention.html"


class ConventionRenderError(JobAttemptFailed):
    """Rendering or storing the PDF failed; the attempt is recorded, Celery retries."""


def convention_pdf(convention: Convention) -> bytes:
    """The document of `convention`, in French whatever the language of the caller."""
    with translation.override("fr"):
        return render_pdf(TEMPLATE, {"convention": convention})


def convention_pdf_name(convention: Convention) -> str:
    """Where the document is stored: the same name at every attempt (`portal.jobs`)."""
    return convention.pdf.field.generate_filename(convention, convention.pdf_filename)


def convention_attach(convention: Convention, name: str, content: bytes) -> bool:
    """Record the stored document on the locked convention (a history row), then tell the
    editor's organisation that it awaits their signature. False when it already had one."""
    if convention.pdf:
        return False
    convention.pdf = name
    convention.pdf_sha256 = sha256_hex(content)
    convention.pdf_generated_at = timezone.now()
    convention.pdf_status = PdfStatus.READY
    convention.pdf_last_error = ""
    convention.save(
        update_fields=["pdf", "pdf_sha256", "pdf_generated_at", "pdf_status", "pdf_last_error"]
    )
    notify("convention_ready", dossier=convention.dossier, convention=convention)
    return True


#: The convention's PDF as a durable job: see `portal.jobs` for attempts, locking and the sweep.
CONVENTION_PDF = FileJob(
    label="Convention",
    model=Convention,
    task_name="conventions.tasks.convention_render_pdf_task",
    render=convention_pdf,
    file_name=convention_pdf_name,
    attach=convention_attach,
    pending=PdfStatus.PENDING,
    failed=PdfStatus.FAILED,
    max_attempts=MAX_ATTEMPTS,
    fields=JobFields(
        status="pdf_status",
        attempts="pdf_attempts",
        last_error="pdf_last_error",
        started_at="pdf_started_at",
        created_at="drawn_up_at",
        file="pdf",
    ),
    error=ConventionRenderError,
)


def convention_render(*, convention_id: int) -> Convention | None:
    """Produce the unsigned PDF of a convention once; None when it is gone or already has it.

    The row stays locked while rendering (two workers never render it twice); the file has one
    name whatever the attempt; a failure is recorded (and committed) before
    `ConventionRenderError` tells Celery to retry; after MAX_ATTEMPTS the document is marked
    failed, and drawing the convention up again relaunches it."""
    return CONVENTION_PDF.run(convention_id)


def convention_dispatch(*, convention_id: int) -> None:
    """Hand the PDF to Celery; if the broker is down the convention stays pending for the sweep."""
    CONVENTION_PDF.dispatch(convention_id)
