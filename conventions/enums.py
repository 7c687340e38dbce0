"""The states a convention goes through, as the pages name them."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PdfStatus(models.TextChoices):
    """Progress of the unsigned document's rendering (a durable job, `portal.jobs`)."""

    PENDING = "pending", _("Document en cours de génération")
    READY = "ready", _("Document disponible")
    FAILED = "failed", _("Échec de la génération du document")


class ConventionStatus(models.TextChoices):
    """Where a convention stands, derived from its fields (`Convention.status`)."""

    DRAWING_UP = "drawing_up", _("Document en cours de génération")
    PDF_FAILED = "pdf_failed", _("Échec de la génération du document")
    AWAITING_EDITOR = "awaiting_editor", _("En attente de la signature de l'éditeur")
    AWAITING_ADMINISTRATION = (
        "awaiting_administration",
        _("Signée par l'éditeur, en attente de la contresignature de l'administration"),
    )
    SIGNED = "signed", _("Signée par les deux parties")
    SUPERSEDED = "superseded", _("Remplacée")

    @property
    def tone(self) -> str:
        """The DSFR badge variant of the status."""
        return {
            "drawing_up": "info",
            "pdf_failed": "error",
            "awaiting_editor": "new",
            "awaiting_administration": "new",
            "signed": "success",
            "superseded": "warning",
        }[self.value]
